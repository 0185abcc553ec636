"""Sign-in: a wrong password says what to do, on the field, and signs nobody in."""

import pytest
from django.contrib.auth.models import User
from django.test import Client


@pytest.mark.django_db
def test_wrong_password_is_a_form_error_on_the_username():
    User.objects.create_user("referrer", password="right-password")
    response = Client().post("/accounts/login/", {"username": "referrer", "password": "wrong"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error: Sign in" in page
    assert page.count("Enter a correct username and password. Both are case-sensitive.") == 2
    assert 'href="#id_username"' in page
    assert 'aria-describedby="id_username-error"' in page
    assert "_auth_user_id" not in response.wsgi_request.session


@pytest.mark.django_db
def test_right_password_signs_in_and_goes_to_next():
    User.objects.create_user("referrer", password="right-password")
    response = Client().post(
        "/accounts/login/",
        {"username": "referrer", "password": "right-password", "next": "/decisions/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/decisions/"
