"""Diffs between versions: words marked within sentences, escaped, sections added, removed, renamed and moved."""

from types import SimpleNamespace as NS

from engage.charters.diff import diff_versions, tokens, word_diff


def version(*sections):
    return NS(sections=[NS(key=k, position=i, heading=h, body=b) for i, (k, h, b) in enumerate(sections, start=1)])


def test_words_are_marked_within_a_sentence_not_the_whole_line():
    html = word_diff("We will listen to patients.", "We will always listen to patients and carers.")
    assert str(html) == "We will<ins> always</ins> listen to patients<ins> and carers</ins>."


def test_a_replaced_word_shows_both_the_old_and_the_new_word():
    assert (
        str(word_diff("Meet every month.", "Meet every quarter.")) == "Meet every <del>month</del><ins>quarter</ins>."
    )


def test_markup_in_either_version_is_escaped_before_it_is_marked():
    html = str(word_diff("<b>old</b>", "<script>alert('x')</script> new"))
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;" in html and "<ins>script</ins>" in html and "<del>b</del>" in html
    assert str(word_diff("", "<script>")) == "<ins>&lt;script&gt;</ins>"


def test_tokens_keep_spaces_and_punctuation_so_the_text_reads_back_exactly():
    text = "Patients, carers\nand residents: all of us."
    assert "".join(tokens(text)) == text


def test_sections_are_matched_by_key_so_renames_moves_additions_and_removals_show():
    old = version(("a", "Our promise", "We listen."), ("b", "Feedback", "Tell us."), ("c", "Gone", "Old text."))
    new = version(("b", "Feedback", "Tell us."), ("a", "Our promises", "We listen and act."), ("d", "New", "Fresh."))
    diff = diff_versions(old, new)
    kinds = {c.key: c for c in diff.sections}
    assert kinds["a"].kind == "changed" and kinds["a"].renamed and "<ins>" in str(kinds["a"].heading_html)
    assert "<ins> and act</ins>" in str(kinds["a"].body_html)
    assert kinds["d"].kind == "added" and kinds["c"].kind == "removed"
    assert "<del>Old text.</del>" in str(kinds["c"].body_html)
    assert kinds["b"].kind == "unchanged"
    assert kinds["a"].moved or kinds["b"].moved
    assert [c.key for c in diff.sections] == ["b", "a", "d", "c"]


def test_identical_versions_have_no_changes():
    same = version(("a", "Our promise", "We listen."))
    assert not diff_versions(same, same).has_changes
