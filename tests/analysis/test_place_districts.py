"""Administrators list each place's postcode districts, which is how analysis puts respondents in places."""

from tests.admin.test_places import place_data, place_named, stored_places
from tests.pages import main_content, plain


def test_postcode_districts_are_tidied_and_stored(db, admin, login_as, client, post_form):
    login_as(admin)
    response = post_form("/admin/places/new", place_data(postcode_districts=" me14, ME15  tn1 me14 "))
    assert response.status_code == 302
    assert place_named(db, "Kent and Medway").postcode_districts == "ME14 ME15 TN1"
    place = place_named(db, "Kent and Medway")
    assert 'value="ME14 ME15 TN1"' in client.get(f"/admin/places/{place.id}/edit").get_data(as_text=True)


def test_a_district_that_is_not_one_is_refused_and_nothing_stored(db, admin, login_as, post_form):
    login_as(admin)
    before = stored_places(db)
    response = post_form("/admin/places/new", place_data(postcode_districts="ME14 ME14 1RF"))
    assert response.status_code == 200  # the form again, with the error
    assert "'1RF' is not a postcode district" in plain(main_content(response))
    assert stored_places(db) == before
