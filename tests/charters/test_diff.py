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
    html = str(word_diff("<b>old</b> text here", "<script>alert('x')</script> text here"))
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;<del>b</del><ins>script</ins>&gt;" in html
    assert str(word_diff("Old words.", "<script>")) == "<del>Old words.</del><ins>&lt;script&gt;</ins>"
    lightly = str(word_diff("Tell us <b>now</b> please.", "Tell us <i>now</i> please."))
    assert "<del>b</del><ins>i</ins>" in lightly and "<b>" not in lightly and "<i>" not in lightly
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


def test_a_rewritten_line_shows_whole_while_a_lightly_edited_line_is_marked_word_by_word():
    old = "- We will involve patients in our programmes.\n- We will tell people what we did.\n"
    new = (
        "- Patient representatives sit on every key programme group.\n"
        "- We will tell people what we did, within three months.\n"
    )
    html = str(word_diff(old, new))
    assert "<del>- We will involve patients in our programmes.\n</del>" in html
    assert "<ins>- Patient representatives sit on every key programme group.\n</ins>" in html
    assert "what we did<ins>, within three months</ins>." in html


def test_lines_added_or_removed_among_unchanged_lines_are_marked_whole():
    html = str(word_diff("one\ntwo\n", "one\nnew line\ntwo\n"))
    assert html == "one\n<ins>new line\n</ins>two\n"
