"""Login throttling and lockout (django-axes), idle sessions, Argon2 and the TOTP second factor."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from jaring.accounts.models import ApiToken

PASSWORD = "kata-sandi-benar-123"


@pytest.fixture
def leran_with_password(leran_operator):
    leran_operator.set_password(PASSWORD)
    leran_operator.save()
    return leran_operator


def _login(client: Client, username: str, password: str, path: str = "/login/") -> int:
    return client.post(path, {"username": username, "password": password}).status_code


def test_argon2_is_the_first_password_hasher() -> None:
    from jaring import settings as app_settings

    assert app_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


@pytest.mark.usefixtures("leran_with_password")
def test_120_wrong_passwords_lock_the_account_and_the_right_one_is_then_refused() -> None:
    client = Client()
    codes = [_login(client, "operator.leran", f"salah-{i}") for i in range(120)]
    limit = settings.AXES_FAILURE_LIMIT
    assert codes[: limit - 1] == [200] * (limit - 1)  # the form again, "wrong username or password"
    assert set(codes[limit:]) == {429}
    response = client.post("/login/", {"username": "operator.leran", "password": PASSWORD})
    assert response.status_code == 429
    assert "walidata" in response.content.decode() or "data steward" in response.content.decode()


@pytest.mark.usefixtures("leran_with_password")
def test_the_lockout_is_per_account_from_any_address() -> None:
    for i in range(settings.AXES_FAILURE_LIMIT):
        _login(Client(REMOTE_ADDR=f"10.0.0.{i + 1}"), "operator.leran", "salah")
    assert _login(Client(REMOTE_ADDR="10.9.9.9"), "operator.leran", PASSWORD) == 429


@pytest.mark.usefixtures("leran_with_password")
def test_the_lockout_is_per_address_across_accounts(gumeno_operator) -> None:
    gumeno_operator.set_password(PASSWORD)
    gumeno_operator.save()
    attacker = Client(REMOTE_ADDR="10.6.6.6")
    for i in range(settings.AXES_FAILURE_LIMIT):
        _login(attacker, f"guess-{i}", "salah")
    assert _login(attacker, "operator.gumeno", PASSWORD) == 429
    assert _login(Client(REMOTE_ADDR="10.1.1.1"), "operator.gumeno", PASSWORD) == 302


def test_the_admin_login_is_throttled_too(data_steward) -> None:
    data_steward.set_password(PASSWORD)
    data_steward.save()
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, data_steward.username, "salah", "/admin/login/")
    assert _login(client, data_steward.username, PASSWORD, "/admin/login/") == 429


def test_wrong_api_tokens_are_counted_and_lock_the_address(leran_operator) -> None:
    _token, key = ApiToken.issue(leran_operator, "scan")
    codes = [
        Client(HTTP_AUTHORIZATION=f"Bearer jrg_wrong{i}").get("/api/v1/me").status_code
        for i in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert codes[:-1] == [401] * (settings.AXES_FAILURE_LIMIT - 1) and codes[-1] == 429
    locked = Client(HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/v1/me")
    assert locked.status_code == 429 and locked.json()["code"] == "locked_out"
    other = Client(HTTP_AUTHORIZATION=f"Bearer {key}", REMOTE_ADDR="10.2.2.2").get("/api/v1/me")
    assert other.status_code == 200


@pytest.mark.usefixtures("leran_with_password")
def test_a_data_steward_unlocks_a_locked_account_in_the_admin(steward_client) -> None:
    from axes.models import AccessAttempt

    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(Client(), "operator.leran", "salah")
    assert _login(Client(), "operator.leran", PASSWORD) == 429
    ids = [str(pk) for pk in AccessAttempt.objects.values_list("pk", flat=True)]
    assert ids
    page = steward_client.get("/admin/axes/accessattempt/")
    assert page.status_code == 200 and "operator.leran" in page.content.decode()
    response = steward_client.post(
        "/admin/axes/accessattempt/", {"action": "delete_selected", "_selected_action": ids, "post": "yes"}
    )
    assert response.status_code == 302
    assert _login(Client(), "operator.leran", PASSWORD) == 302


@pytest.mark.usefixtures("leran_with_password")
def test_the_reset_command_unlocks_an_account() -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(Client(), "operator.leran", "salah")
    assert _login(Client(), "operator.leran", PASSWORD) == 429
    call_command("axes_reset_username", "operator.leran")
    assert _login(Client(), "operator.leran", PASSWORD) == 302


def test_a_village_operator_cannot_unlock_accounts(leran_client) -> None:
    assert leran_client.get("/admin/axes/accessattempt/").status_code in (302, 403)


@pytest.mark.usefixtures("leran_with_password")
def test_an_idle_session_expires_and_each_request_renews_it() -> None:
    client = Client()
    assert _login(client, "operator.leran", PASSWORD) == 302
    assert client.get("/").status_code == 200
    session = Session.objects.get()
    assert session.expire_date > timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_steward_with_totp_must_give_the_code_after_the_password(data_steward) -> None:
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    data_steward.set_password(PASSWORD)
    data_steward.save()
    call_command("otp", "enrol", data_steward.username)
    device = TOTPDevice.objects.get(user=data_steward)
    client = Client()
    assert _login(client, data_steward.username, PASSWORD) == 302
    page = client.get("/")
    assert page.status_code == 302 and page["Location"].startswith("/otp/")
    assert client.get("/admin/").status_code == 302
    assert client.post("/otp/", {"token": "000000", "next": "/"}).status_code == 200
    time.sleep(1.1)  # django-otp throttles the next try after a wrong code (1 s, doubling)
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    response = client.post("/otp/", {"token": f"{code:06d}", "next": "/"})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert client.get("/admin/").status_code == 200


def test_totp_is_only_for_stewards_and_admins(leran_operator) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="data stewards"):
        call_command("otp", "enrol", leran_operator.username)
