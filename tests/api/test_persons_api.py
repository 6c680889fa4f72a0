import datetime as dt
import json

from django.test import Client

from jaring.accounts.models import ApiToken
from jaring.registry.models import Person, PersonChange
from tests.api.conftest import token_client
from tests.registry.factories import nik_for


def _new(world, village=None, **over):
    village = village or world.leran
    body = {
        "nik": nik_for(village, sex="P", birth=dt.date(1991, 2, 3)),
        "full_name": "Dewi API",
        "sex": "P",
        "birth_date": "1991-02-03",
        "village_code": village.code,
        "occupation": "fisherman",
        "phone": "0812 3456 7890",
    }
    body.update(over)
    return body


def test_anonymous_api_calls_get_401(anonymous_client, people) -> None:
    assert anonymous_client.get("/api/v1/persons").status_code == 401
    assert anonymous_client.get(f"/api/v1/persons/{people[0].pk}").status_code == 401


def test_a_revoked_token_is_refused(leran_operator, people) -> None:
    token, key = ApiToken.issue(leran_operator, "t")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get("/api/v1/persons").status_code == 200
    token.revoked = True
    token.save()
    assert client.get("/api/v1/persons").status_code == 401


def test_the_list_holds_only_persons_in_scope(leran_operator, people) -> None:
    data = token_client(leran_operator).get("/api/v1/persons").json()
    assert [p["full_name"] for p in data["items"]] == ["Siti Leranwati"]
    assert data["count"] == 1 and data["count_capped"] is False


def test_the_list_filters_by_village_name_and_nik(bps_reviewer, people) -> None:
    client = token_client(bps_reviewer)
    assert client.get("/api/v1/persons", {"village": "35.25.10.2004"}).json()["count"] == 1
    assert client.get("/api/v1/persons", {"village": "35.25.10"}).json()["count"] == 2
    assert client.get("/api/v1/persons", {"q": "budi"}).json()["items"][0]["nik"] == people[1].nik
    assert client.get("/api/v1/persons", {"nik": people[0].nik}).json()["count"] == 1


def test_leran_operator_cannot_read_a_gumeno_worker_through_the_api(leran_operator, people) -> None:
    client = token_client(leran_operator)
    gumeno = people[1]
    assert client.get(f"/api/v1/persons/{gumeno.pk}").status_code == 404
    assert client.get(f"/api/v1/persons/by-nik/{gumeno.nik}").status_code == 404
    assert client.get(f"/api/v1/persons/{gumeno.pk}/changes").status_code == 404
    assert client.get("/api/v1/persons", {"nik": gumeno.nik}).json()["count"] == 0


def test_leran_operator_cannot_change_or_delete_a_gumeno_worker(leran_operator, people) -> None:
    client = token_client(leran_operator)
    gumeno = people[1]
    r = client.patch(
        f"/api/v1/persons/{gumeno.pk}", {"version": 1, "dusun": "X"}, content_type="application/json"
    )
    assert r.status_code == 404
    assert client.delete(f"/api/v1/persons/{gumeno.pk}").status_code == 404
    assert Person.objects.get(pk=gumeno.pk).dusun == ""


def test_leran_operator_cannot_create_a_worker_in_gumeno(world, leran_operator) -> None:
    r = token_client(leran_operator).post(
        "/api/v1/persons", _new(world, world.gumeno), content_type="application/json"
    )
    assert r.status_code == 403
    assert not Person.objects.exists()


def test_it_creates_gets_by_nik_and_logs_via_api(world, leran_operator) -> None:
    client = token_client(leran_operator)
    r = client.post(
        "/api/v1/persons", _new(world), content_type="application/json", HTTP_X_REQUEST_ID="abc123"
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["phone"] == "+6281234567890"
    assert body["occupation"] == "fisherman"
    assert body["version"] == 1
    assert client.get(f"/api/v1/persons/by-nik/{body['nik']}").json()["id"] == body["id"]
    change = PersonChange.objects.get(person_id=body["id"])
    # The change log keeps the server's request id; the client's "abc123" is untrusted and kept apart.
    assert (change.via, change.request_id) == ("api", r["X-Request-Id"])
    assert r["X-Client-Request-Id"] == "abc123"


def test_it_rejects_an_invalid_nik_with_422(world, leran_operator) -> None:
    r = token_client(leran_operator).post(
        "/api/v1/persons", _new(world, nik="3525104102910"), content_type="application/json"
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "nik"


def test_a_stale_version_gets_409_in_both_languages(world, leran_operator) -> None:
    client = token_client(leran_operator)
    pid = client.post("/api/v1/persons", _new(world), content_type="application/json").json()["id"]
    ok = client.patch(
        f"/api/v1/persons/{pid}", {"version": 1, "dusun": "Krajan"}, content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = client.patch(
        f"/api/v1/persons/{pid}", {"version": 1, "dusun": "Lor"}, content_type="application/json"
    )
    assert stale.status_code == 409
    body = stale.json()
    assert "diubah pengguna lain" in body["message_id"]
    assert "changed this person" in body["message_en"]
    assert Person.objects.get(pk=pid).dusun == "Krajan"
    changes = client.get(f"/api/v1/persons/{pid}/changes").json()
    assert changes[0]["changes"] == {"dusun": ["", "Krajan"]}


def test_put_replaces_the_person(world, leran_operator) -> None:
    client = token_client(leran_operator)
    created = client.post(
        "/api/v1/persons", _new(world, dusun="Krajan"), content_type="application/json"
    ).json()
    body = _new(world, full_name="Dewi Baru", version=1)
    body["nik"] = created["nik"]
    r = client.put(f"/api/v1/persons/{created['id']}", body, content_type="application/json")
    assert r.status_code == 200, r.content
    assert r.json()["full_name"] == "Dewi Baru"
    assert r.json()["dusun"] == ""


def test_delete_through_the_api_is_logged(world, leran_operator) -> None:
    client = token_client(leran_operator)
    pid = client.post("/api/v1/persons", _new(world), content_type="application/json").json()["id"]
    assert client.delete(f"/api/v1/persons/{pid}?version=1").status_code == 204
    assert PersonChange.objects.filter(person_id=pid, action="delete", via="api").exists()


def test_the_auditor_reads_but_cannot_change_through_the_api(world, auditor, people) -> None:
    client = token_client(auditor)
    pid = people[0].pk
    assert client.get(f"/api/v1/persons/{pid}").status_code == 200
    assert (
        client.patch(
            f"/api/v1/persons/{pid}", {"version": 1, "dusun": "X"}, content_type="application/json"
        ).status_code
        == 403
    )
    assert client.delete(f"/api/v1/persons/{pid}").status_code == 403
    assert client.post("/api/v1/persons", _new(world), content_type="application/json").status_code == 403


def test_the_bps_reviewer_reads_the_regency_but_cannot_change(bps_reviewer, people) -> None:
    client = token_client(bps_reviewer)
    assert client.get("/api/v1/persons").json()["count"] == 2
    r = client.patch(
        f"/api/v1/persons/{people[1].pk}", {"version": 1, "dusun": "X"}, content_type="application/json"
    )
    assert r.status_code == 403


def test_the_sponsor_never_receives_a_nik_or_a_name_from_the_api(world, sponsor, people) -> None:
    client = token_client(sponsor)
    pid, nik = people[0].pk, people[0].nik
    responses = [
        client.get("/api/v1/persons"),
        client.get("/api/v1/persons", {"q": "siti"}),
        client.get(f"/api/v1/persons/{pid}"),
        client.get(f"/api/v1/persons/by-nik/{nik}"),
        client.get(f"/api/v1/persons/{pid}/changes"),
        client.get("/api/v1/me"),
        client.get("/api/v1/openapi.json"),
    ]
    for r in responses:
        text = r.content.decode()
        for p in people:
            assert p.nik not in text and p.full_name not in text
    assert client.get("/api/v1/persons").json()["count"] == 0


def test_session_auth_works_for_the_api(leran_client, people) -> None:
    assert leran_client.get("/api/v1/persons").json()["count"] == 1


def test_me_says_who_the_caller_is(leran_operator) -> None:
    me = token_client(leran_operator).get("/api/v1/me").json()
    assert me == {
        "username": "operator.leran",
        "role": "village_operator",
        "area_code": "35.25.10.2010",
        "can_read_personal_data": True,
        "can_edit": True,
    }


def test_the_openapi_document_describes_every_person_field(world) -> None:
    doc = json.loads(Client().get("/api/v1/openapi.json").content)
    person = doc["components"]["schemas"]["PersonOut"]["properties"]
    assert all(prop.get("description") for prop in person.values())


def test_the_api_docs_page_loads_nothing_from_a_cdn(world) -> None:
    page = Client().get("/api/v1/docs").content.decode()
    assert "swagger-ui-bundle.js" in page
    assert "cdn." not in page
    assert "unpkg" not in page
