from datetime import timedelta

from django.conf import settings
from django.contrib.admin.sites import AdminSite
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory, override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from api.authentication import TokenPrincipal
from rota import access
from rota.access import viewer_for
from rota.models import ApiToken, FeedToken
from rota.token_admin import ApiTokenAdmin, FeedTokenAdmin
from rota.tokens import api_token_create, revoke
from tests.api.conftest import client_as

RATES = {"anon": "3/min", "token": "5/min"}
low_rates = override_settings(
    REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": RATES}
)


def _token(world, *, role=access.SWITCHBOARD, network=None, rate=""):
    return api_token_create(name="Telephony", role=role, network=network or world.network,
                            created_by=world.admin, throttle_rate=rate)


def _with(secret):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def test_token_secret_is_stored_only_as_a_hash(world):
    token, secret = _token(world)
    assert secret.startswith("ir_") and len(secret) > 40
    assert token.prefix == secret[:8]
    assert secret not in {token.secret_hash, token.prefix, token.name}


def test_token_sees_as_its_role_in_its_network_only(world, rotas):
    token, _ = _token(world, role=access.REFERRER)
    principal = TokenPrincipal(token)
    assert viewer_for(principal, world.network.id) == access.Viewer(
        True, access.STAFF_VISIBLE, frozenset({access.REFERRER})
    )
    assert viewer_for(principal, world.other_network.id) == access.ANONYMOUS
    assert not access.may_change(principal, access.Kind.ROTA, world.network.id)


def test_token_bearer_form_is_accepted_and_marks_last_use(world, rotas):
    token, secret = _token(world)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    body = client.get("/api/v1/oncall/", {"rota": "lsc-ir", "at": "2026-05-04T02:40"}).json()
    assert body["answers"][0]["clinicians"][0]["name"] == "Dr Alpha"
    token.refresh_from_db()
    assert timezone.now() - token.last_used_at < timedelta(seconds=5)


def test_token_of_another_network_sees_no_names(world, rotas):
    _, secret = _token(world, network=world.other_network)
    body = _with(secret).get("/api/v1/oncall/", {"rota": "lsc-ir",
                                                 "at": "2026-05-04T02:40"}).json()
    assert body["answers"][0]["clinicians"][0]["name"] is None


def test_token_revoked_or_unknown_is_401(world, rotas):
    token, secret = _token(world)
    revoke(token, at=timezone.now())
    response = _with(secret).get("/api/v1/networks/")
    assert (response.status_code, response.json()) == (401, {"error": {
        "code": "authentication_failed", "message": "This API token has been revoked.",
        "field": None}})
    response = _with("ir_not-a-token").get("/api/v1/networks/")
    assert (response.status_code, response.json()["error"]["message"]) == (
        401, "This API token is not valid."
    )
    response = APIClient().get("/api/v1/networks/", HTTP_AUTHORIZATION="Token two parts")
    assert (response.status_code, response.json()["error"]["message"]) == (
        401, "Send the token as 'Authorization: Token <secret>', with no spaces in the secret."
    )


@low_rates
def test_throttle_anonymous_by_default_rate(world, rotas):
    client = APIClient()
    statuses = [client.get("/api/v1/networks/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/v1/networks/")
    assert response.json()["error"]["code"] == "throttled"
    assert response.json()["error"]["message"].startswith("Too many requests from this client.")
    assert int(response["Retry-After"]) > 0


@low_rates
def test_throttle_token_at_its_own_rate_or_the_default(world, rotas):
    _, fast = _token(world, rate="7/min")
    _, default = _token(world)
    fast_statuses = [_with(fast).get("/api/v1/networks/").status_code for _ in range(8)]
    default_statuses = [_with(default).get("/api/v1/networks/").status_code for _ in range(6)]
    assert fast_statuses == [200] * 7 + [429]
    assert default_statuses == [200] * 5 + [429]


@low_rates
def test_throttle_never_applies_to_signed_in_users(world, rotas):
    client = client_as(world, "referrer")
    statuses = {client.get("/api/v1/oncall/", {"rota": "lsc-ir"}).status_code
                for _ in range(10)}
    assert statuses == {200}


def _admin_request(world):
    request = RequestFactory().post("/admin/")
    request.user = world.admin
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_token_admin_creates_and_shows_the_secret_once(world):
    admin = ApiTokenAdmin(ApiToken, AdminSite())
    request = _admin_request(world)
    obj = ApiToken(name="Telephony", role=access.SWITCHBOARD, network=world.network,
                   throttle_rate="100/min")
    admin.save_model(request, obj, form=None, change=False)
    token = ApiToken.objects.get()
    (message,) = [str(m) for m in request._messages]
    secret = message.split(": ")[1].split(" ")[0]
    assert (obj.pk, token.created_by, token.throttle_rate) == (token.pk, world.admin, "100/min")
    assert secret.startswith(token.prefix)
    assert _with(secret).get("/api/v1/networks/").status_code == 200
    admin.revoke(request, ApiToken.objects.all())
    assert _with(secret).get("/api/v1/networks/").status_code == 401
    assert not admin.has_delete_permission(request, token)


def test_feed_admin_gives_the_address_once(world, rotas):
    admin = FeedTokenAdmin(FeedToken, AdminSite())
    request = _admin_request(world)
    admin.save_model(request, FeedToken(rota=rotas.ir, name="Rota wall"), form=None,
                     change=False)
    (message,) = [str(m) for m in request._messages]
    url = message.rsplit(" ", 1)[1]
    assert url.startswith("http://testserver/feeds/rota/") and url.endswith(".ics")
    path = url.removeprefix("http://testserver")
    assert APIClient().get(path).status_code == 200
    admin.revoke(request, FeedToken.objects.all())
    assert APIClient().get(path).status_code == 404
