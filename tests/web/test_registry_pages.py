import datetime as dt
import io

import polars as pl
import pytest
from django.test import Client

from jaring.registry.models import Person, PersonChange
from tests.registry.factories import make_person, nik_for


@pytest.fixture
def people(world):
    leran = make_person(world.leran, "Siti Leranwati", sex="P", kk="3525100101010001")
    gumeno = make_person(world.gumeno, "Budi Gumenoputra")
    return leran, gumeno


def test_anonymous_visitors_are_sent_to_the_login_page(anonymous_client, people) -> None:
    for url in ["/", "/persons/", f"/persons/{people[0].pk}/", "/persons/export.csv", "/persons/new/"]:
        response = anonymous_client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/login/"), url
    login = anonymous_client.get("/login/")
    assert login.status_code == 200
    assert b"Siti Leranwati" not in login.content


def test_the_login_page_logs_a_user_in(world) -> None:
    from jaring.core.world import DEMO_PASSWORD

    client = Client()
    response = client.post("/login/", {"username": "operator.leran", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_the_registry_lists_only_the_operators_village(leran_client, people) -> None:
    response = leran_client.get("/persons/")
    assert response.status_code == 200
    assert b"Siti Leranwati" in response.content
    assert b"Budi Gumenoputra" not in response.content
    assert "SINTETIS" in response.content.decode()


def test_the_registry_searches_by_name_prefix_and_by_nik(leran_client, people) -> None:
    assert b"Siti Leranwati" in leran_client.get("/persons/", {"q": "siti ler"}).content
    assert b"Siti Leranwati" not in leran_client.get("/persons/", {"q": "leranwati"}).content
    assert b"Siti Leranwati" in leran_client.get("/persons/", {"q": people[0].nik}).content
    assert b"Siti Leranwati" in leran_client.get("/persons/", {"q": people[0].nik[:8]}).content


def test_leran_operator_cannot_read_change_or_delete_a_gumeno_worker(leran_client, people) -> None:
    gumeno = people[1]
    for url in [f"/persons/{gumeno.pk}/", f"/persons/{gumeno.pk}/edit/", f"/persons/{gumeno.pk}/delete/"]:
        assert leran_client.get(url).status_code == 404, url
    assert leran_client.post(f"/persons/{gumeno.pk}/delete/", {"version": 1}).status_code == 404
    assert Person.objects.filter(pk=gumeno.pk).exists()


def test_leran_operator_cannot_export_a_gumeno_worker(leran_client, people) -> None:
    csv = leran_client.get("/persons/export.csv").content.decode("utf-8-sig")
    assert "Siti Leranwati" in csv
    assert "Budi Gumenoputra" not in csv
    xlsx = leran_client.get("/persons/export.xlsx").content
    frame = pl.read_excel(io.BytesIO(xlsx))
    assert frame["full_name"].to_list() == ["Siti Leranwati"]
    assert frame["data_note"].to_list()[0].startswith("SINTETIS")
    filtered = leran_client.get("/persons/export.csv", {"village": "35.25.10.2004"}).content.decode(
        "utf-8-sig"
    )
    assert "Budi" not in filtered


def test_exports_neutralise_formulas(world, leran_client) -> None:
    make_person(world.leran, '=HYPERLINK("http://evil")', address="+cmd|' /C calc'!A0")
    csv = leran_client.get("/persons/export.csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK" in csv
    assert "'+cmd" in csv
    frame = pl.read_excel(io.BytesIO(leran_client.get("/persons/export.xlsx").content))
    assert frame["full_name"][0].startswith("'=")


def test_the_person_page_shows_household_and_change_log(world, leran_client, leran_operator) -> None:
    from jaring.registry import services

    person = services.create_person(
        {
            "nik": nik_for(world.leran),
            "full_name": "Ahmad Nelayan",
            "sex": "L",
            "birth_date": dt.date(1985, 3, 12),
            "village": world.leran,
            "kk": "3525100202020002",
            "is_synthetic": True,
        },
        actor=leran_operator,
    )
    make_person(world.leran, "Aminah Nelayan", sex="P", kk="3525100202020002")
    services.update_person(person, {"dusun": "Krajan"}, actor=leran_operator, expected_version=1)
    page = leran_client.get(f"/persons/{person.pk}/").content.decode()
    assert "Aminah Nelayan" in page
    assert "Krajan" in page
    assert "operator.leran" in page


def test_the_edit_form_shows_a_conflict_instead_of_overwriting(world, leran_client, leran_operator) -> None:
    from jaring.registry import services

    person = make_person(world.leran, "Ahmad Konflik")
    form = {
        f: ""
        for f in [
            "kk",
            "birth_place",
            "dusun",
            "rt",
            "rw",
            "address",
            "phone",
            "latitude",
            "longitude",
            "occupation",
            "occupation_text",
            "kbji_code",
            "employment_status",
            "monthly_income",
            "dependants",
        ]
    }
    form.update(
        {
            "nik": person.nik,
            "full_name": "Ahmad Konflik",
            "sex": "L",
            "birth_date": "1985-03-12",
            "village": world.leran.pk,
            "bpjs_status": "none",
            "version": 1,
            "dusun": "Mine",
        }
    )
    services.update_person(person, {"dusun": "Theirs"}, actor=leran_operator, expected_version=1)
    response = leran_client.post(f"/persons/{person.pk}/edit/", form)
    assert response.status_code == 200
    assert 'id="conflict"' in response.content.decode()
    assert Person.objects.get(pk=person.pk).dusun == "Theirs"
    form["version"] = 2
    response = leran_client.post(f"/persons/{person.pk}/edit/", form)
    assert response.status_code == 302
    assert Person.objects.get(pk=person.pk).dusun == "Mine"


def test_an_operator_creates_a_person_on_the_web(world, leran_client) -> None:
    nik = nik_for(world.leran, sex="P", birth=dt.date(1992, 1, 2))
    form = {
        "nik": f"{nik[:6]} {nik[6:12]}.{nik[12:]}",  # typed with a space and a dot
        "full_name": "Rina Baru",
        "sex": "P",
        "birth_date": "1992-01-02",
        "village": world.leran.pk,
        "bpjs_status": "none",
        "phone": "081234567890",
    }
    response = leran_client.post("/persons/new/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    person = Person.objects.get(full_name="Rina Baru")
    assert person.nik == nik
    assert person.phone == "+6281234567890"
    assert PersonChange.objects.filter(person_id=person.pk, via="web").exists()


def test_the_web_form_refuses_a_nik_that_disagrees_with_the_sex(world, leran_client) -> None:
    form = {
        "nik": nik_for(world.leran, sex="L"),
        "full_name": "Salah",
        "sex": "P",
        "birth_date": "1985-03-12",
        "village": world.leran.pk,
        "bpjs_status": "none",
    }
    response = leran_client.post("/persons/new/", form)
    assert response.status_code == 200
    assert not Person.objects.filter(full_name="Salah").exists()


def test_an_operator_cannot_pick_another_village_in_the_form(world, leran_client) -> None:
    form = {
        "nik": nik_for(world.gumeno),
        "full_name": "Lintas",
        "sex": "L",
        "birth_date": "1985-03-12",
        "village": world.gumeno.pk,
        "bpjs_status": "none",
    }
    assert leran_client.post("/persons/new/", form).status_code == 200
    assert not Person.objects.filter(full_name="Lintas").exists()


def test_delete_asks_for_confirmation_then_deletes(world, leran_client) -> None:
    person = make_person(world.leran, "Hapus Saya")
    assert b"confirm-delete" in leran_client.get(f"/persons/{person.pk}/delete/").content
    assert leran_client.post(f"/persons/{person.pk}/delete/", {"version": 1}).status_code == 302
    assert not Person.objects.filter(pk=person.pk).exists()


def test_the_auditor_reads_but_cannot_change(world, auditor, people) -> None:
    client = Client()
    client.force_login(auditor)
    person = people[0]
    assert b"Siti Leranwati" in client.get(f"/persons/{person.pk}/").content
    assert client.get(f"/persons/{person.pk}/edit/").status_code == 403
    assert client.post(f"/persons/{person.pk}/delete/", {"version": 1}).status_code == 403
    assert client.get("/persons/new/").status_code == 403
    assert Person.objects.filter(pk=person.pk).exists()


def test_the_bps_reviewer_reads_the_whole_regency_but_cannot_change(reviewer_client, people) -> None:
    listing = reviewer_client.get("/persons/").content
    assert b"Siti Leranwati" in listing and b"Budi Gumenoputra" in listing
    assert reviewer_client.get(f"/persons/{people[1].pk}/edit/").status_code == 403


def test_the_sponsor_sees_counts_but_never_a_name_or_nik(sponsor_client, people) -> None:
    dashboard = sponsor_client.get("/")
    assert dashboard.status_code == 200
    body = dashboard.content.decode()
    # Two workers: a count below 5, which the sponsor (aggregates only) sees as "<5" (issue #10 item 4).
    assert 'id="total-workers">&lt;5<' in body
    for url in [
        "/",
        "/persons/",
        f"/persons/{people[0].pk}/",
        "/persons/export.csv",
        "/persons/export.xlsx",
        "/persons/households/",
    ]:
        response = sponsor_client.get(url)
        content = response.content.decode("utf-8", "ignore")
        for p in people:
            assert p.nik not in content, url
            assert p.full_name not in content, url


def test_the_dashboard_counts_workers_per_village_in_scope(leran_client, people) -> None:
    body = leran_client.get("/").content.decode()
    assert 'id="total-workers">1<' in body
    assert "Gumeno" not in body.split('id="by-village"')[1].split("</table>")[0]


def test_the_language_switch_shows_english(leran_client, people) -> None:
    response = leran_client.post("/i18n/setlang/", {"language": "en", "next": "/persons/"}, follow=True)
    assert response.status_code == 200
    assert 'lang="en"' in response.content.decode()


def test_data_stewards_can_use_the_admin_but_operators_cannot(steward_client, leran_client, people) -> None:
    assert steward_client.get("/admin/").status_code == 200
    assert steward_client.get("/admin/registry/person/").status_code == 200
    assert leran_client.get("/admin/").status_code == 302


def test_a_superuser_sees_every_page(world, people) -> None:
    client = Client()
    client.force_login(world.users["admin"])
    for url in ["/", "/persons/", f"/persons/{people[1].pk}/", "/persons/households/", "/admin/"]:
        assert client.get(url).status_code == 200, url


def test_pages_load_no_asset_from_another_site(leran_client, anonymous_client, people) -> None:
    import re

    pages = [leran_client.get(u).content.decode() for u in ["/", "/persons/", f"/persons/{people[0].pk}/"]]
    pages.append(anonymous_client.get("/login/").content.decode())
    for page in pages:
        assert not re.findall(r"(?:src|href)=\"(?:https?:)?//", page)


def test_regency_wide_browsing_never_leaves_the_regency(
    world, steward_client, reviewer_client, people
) -> None:
    from jaring.geo.models import Area
    from tests.api.conftest import token_client

    surabaya = Area.objects.create(code="35.78.01.1001", level=4, kind="kelurahan", name="Luar Gresik")
    outsider = make_person(surabaya, "Orang Luar Gresik", nik="3578011203850001")
    for client in (steward_client, reviewer_client):
        for url in ["/persons/", "/persons/?bpjs_status=none", "/persons/export.csv"]:
            body = client.get(url).content.decode("utf-8-sig")
            assert "Budi Gumenoputra" in body and "Siti Leranwati" in body, url
            assert outsider.full_name not in body, url
    api = token_client(world.users["bps.reviewer"]).get("/api/v1/persons").json()
    assert {p["full_name"] for p in api["items"]} == {"Budi Gumenoputra", "Siti Leranwati"}
    assert token_client(world.users["bps.reviewer"]).get(f"/api/v1/persons/{outsider.pk}").status_code == 404


def test_the_dashboard_follows_every_change_to_the_registry(
    world, leran_client, leran_operator, people
) -> None:
    from jaring.registry import services

    def total() -> str:
        return leran_client.get("/").content.decode().split('id="total-workers">')[1].split("<")[0]

    assert total() == "1"
    extra = make_person(world.leran, "Tambahan")
    assert total() == "2"
    services.delete_person(extra, actor=leran_operator)
    assert total() == "1"
    services.delete_person(Person.objects.get(pk=people[0].pk), actor=leran_operator)
    assert total() == "0"


def test_the_cached_dashboard_of_a_big_registry_follows_changes_too(
    world, leran_client, leran_operator, people, monkeypatch
) -> None:
    from django.core.cache import cache

    from jaring.core import stats
    from jaring.registry import services

    cache.clear()
    monkeypatch.setattr(stats, "CACHE_FROM_PERSON_ID", 0)
    calls = []
    original = stats.dashboard_stats
    monkeypatch.setattr(stats, "dashboard_stats", lambda scope: calls.append(1) or original(scope))

    def total() -> str:
        return leran_client.get("/").content.decode().split('id="total-workers">')[1].split("<")[0]

    assert total() == "1"
    assert total() == "1"
    assert len(calls) == 1  # the second visit came from the cache
    extra = services.create_person(
        {
            "nik": nik_for(world.leran),
            "full_name": "Baru",
            "sex": "L",
            "birth_date": dt.date(1985, 3, 12),
            "village": world.leran,
        },
        actor=leran_operator,
    )
    assert total() == "2"
    services.update_person(extra, {"sex": "L", "dusun": "X"}, actor=leran_operator, expected_version=1)
    services.delete_person(Person.objects.get(pk=extra.pk), actor=leran_operator)
    assert total() == "1"
    cache.clear()
