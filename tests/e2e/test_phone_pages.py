"""Phone pages (390x844): ledgers as cards, tap targets, bars that do not wrap; the searchable
person picker; a grid worker's landing on 我的任务 and a task row's zoomed map."""

from __future__ import annotations

import pytest

from zerocrop.demo.campaign import DEMO_PASSWORD
from zerocrop.org.models import AdminUnit, Person
from zerocrop.patrols.models import SurveyRound, TaskCell

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
SHOTS = "/tmp/phones-shots"

# Every visible button, nav link, page link and form control of the page's main area and bars.
TAP_TARGETS = """() => Array.from(document.querySelectorAll(
    'main .btn, .topbar .btn, main .nav-link, main .page-link, main .form-select, .ts-control'))
  .filter((e) => e.offsetParent !== null && e.getBoundingClientRect().width > 0)
  .map((e) => ({ text: (e.innerText || e.getAttribute('aria-label') || e.className).trim(),
                 h: e.getBoundingClientRect().height }))"""


def _shot(page, name: str) -> None:
    page.screenshot(path=f"{SHOTS}/{name}.png", full_page=False)


def _small_targets(page) -> list[dict]:
    return [t for t in page.evaluate(TAP_TARGETS) if t["h"] < 44 - 0.5]


def _assert_topbar_one_line(page) -> None:
    bar = page.evaluate(
        """() => { const bar = document.querySelector('.topbar');
          const kids = Array.from(bar.children).filter((e) => e.offsetParent !== null);
          const tops = kids.map((e) => Math.round(e.getBoundingClientRect().top));
          const cut = Array.from(bar.querySelectorAll('.navbar-brand, .badge, .btn'))
            .filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.innerText);
          return { height: bar.getBoundingClientRect().height, width: bar.scrollWidth,
                   view: window.innerWidth, cut,
                   spread: Math.max(...tops) - Math.min(...tops) }; }"""
    )
    assert bar["height"] < 70, bar  # one row of 44 px controls, not two
    assert bar["width"] <= bar["view"], bar  # the bar itself never pushes the page sideways
    assert bar["spread"] < 20, bar
    assert bar["cut"] == [], bar


def test_plot_ledger_is_cards_on_a_phone_and_a_table_on_a_desktop(logged_in, live_server) -> None:
    page = logged_in("admin")
    page.goto(f"{live_server.url}/geo/plots/")
    # Desktop: a real table with its header row.
    assert page.locator("[data-testid=plot-table] thead th", has_text="包保责任人").is_visible()
    desktop = page.evaluate(
        "() => getComputedStyle("
        "document.querySelector('[data-testid=plot-table] tbody td')).display"
    )
    assert desktop == "table-cell"

    page.set_viewport_size(PHONE)
    page.reload()
    _shot(page, "plot-list-phone")
    cells = page.evaluate(
        """() => Array.from(document.querySelectorAll('[data-testid=plot-table] tbody tr'))
          .slice(0, 5).flatMap((tr) => Array.from(tr.children))
          .filter((td) => td.offsetParent !== null)
          .map((td) => ({ label: td.dataset.label,
                          shown: getComputedStyle(td, '::before').content,
                          width: td.getBoundingClientRect().width,
                          display: getComputedStyle(td).display }))"""
    )
    assert len(cells) >= 5 * 7
    for cell in cells:
        assert cell["label"], cell
        assert cell["shown"] == f'"{cell["label"]}"', cell  # the column's name is on the card
        assert cell["width"] >= 100, cell
        assert cell["display"] != "table-cell", cell
    assert not page.locator("[data-testid=plot-table] thead th", has_text="包保责任人").is_visible()
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    assert _small_targets(page) == []
    _assert_topbar_one_line(page)

    # The menu's links are tap-sized too.
    page.locator(".topbar [data-bs-target='#sidenav']").click()
    page.locator("#sidenav.show").wait_for()
    heights = page.locator("#sidenav .nav-link").evaluate_all(
        "els => els.map((e) => e.getBoundingClientRect().height)"
    )
    assert heights and min(heights) >= 44


def test_round_pages_on_a_phone_keep_tabs_on_one_line_and_tables_as_cards(
    logged_in, live_server
) -> None:
    page = logged_in("admin")
    page.set_viewport_size(PHONE)
    survey_round = SurveyRound.objects.first()
    for path, table in [("review/", "review-table"), ("dead-corners/", "dead-table")]:
        page.goto(f"{live_server.url}/patrols/rounds/{survey_round.pk}/{path}")
        _shot(page, f"round-{path.strip('/')}-phone")
        tabs = page.evaluate(
            """() => { const links = Array.from(document.querySelectorAll('.nav-tabs .nav-link'));
              const tops = links.map((e) => Math.round(e.getBoundingClientRect().top));
              return { n: links.length, spread: Math.max(...tops) - Math.min(...tops),
                       cut: links.filter((e) => e.scrollWidth > e.clientWidth + 1).length,
                       low: links.filter((e) => e.getBoundingClientRect().height < 44)
                         .length }; }"""
        )
        assert tabs["n"] >= 4 and tabs["spread"] == 0 and tabs["cut"] == 0 and tabs["low"] == 0
        rows = page.locator(f"[data-testid={table}] tbody tr")
        assert rows.count() > 0
        labelled = rows.first.locator("td").evaluate_all(
            "tds => tds.filter((td) => td.offsetParent !== null).map((td) => "
            "[td.dataset.label || '', td.getBoundingClientRect().width])"
        )
        if labelled[0][0]:  # a real row, not the "nothing left" line
            assert all(label and width >= 100 for label, width in labelled), labelled
        assert _small_targets(page) == []
        _assert_topbar_one_line(page)


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_phase_bar_keeps_its_labels(logged_in, live_server, viewport) -> None:
    page = logged_in("admin")
    if viewport:
        page.set_viewport_size(viewport)
        page.reload()
    _shot(page, f"campaign-{'phone' if viewport else 'desktop'}")
    bar = page.evaluate(
        """() => { const bar = document.querySelector('[data-testid=phase-bar]');
          const segs = Array.from(bar.querySelectorAll('.seg'));
          return { height: bar.getBoundingClientRect().height,
                   page: document.documentElement.scrollWidth - window.innerWidth,
                   segs: segs.map((s) => [s.innerText.split('\\n')[0],
                                          s.scrollWidth - s.clientWidth]) }; }"""
    )
    assert bar["segs"], bar
    assert bar["page"] <= 0, bar  # the bar scrolls inside its box, the page does not
    assert bar["height"] < 60, bar  # one row
    if viewport:  # on a desktop a phase of a few days may still be narrower than its name
        assert all(extra <= 1 for _, extra in bar["segs"]), bar  # no phase name cut off
    _assert_topbar_one_line(page)


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_person_picker_searches_names_shows_units_and_filters_by_village(
    logged_in, live_server, viewport
) -> None:
    page = logged_in("admin")
    if viewport:
        page.set_viewport_size(viewport)
    survey_round = SurveyRound.objects.first()
    village = AdminUnit.objects.get(name="毛布拉格村")
    elsewhere = Person.objects.filter(unit__name="王窑湾村").order_by("name").first()
    worker = Person.objects.get(name="高志刚")
    page.goto(f"{live_server.url}/patrols/rounds/{survey_round.pk}/assign/?unit={village.pk}")
    page.locator("#id_people[data-person-picker-ready]").wait_for(state="attached")
    village_filter = page.locator("[data-testid=cells-assign] select[data-person-village]")
    assert village_filter.locator("option:checked").inner_text() == "毛布拉格村"

    # The village in view narrows the list; every option names the person's unit.
    page.locator("#id_people-ts-control").click()
    options = page.locator(".ts-dropdown .option")
    options.first.wait_for()
    texts = options.all_inner_texts()
    assert texts and all("毛布拉格村" in t for t in texts), texts
    page.locator("#id_people-ts-control").fill(elsewhere.name)
    page.locator(".ts-dropdown .no-results").wait_for()
    _shot(page, f"picker-filtered-{'phone' if viewport else 'desktop'}")

    # All villages: typing a name finds the person, shown with the unit.
    page.keyboard.press("Escape")
    village_filter.select_option(value="")
    page.locator("#id_people-ts-control").click()
    page.locator("#id_people-ts-control").fill(elsewhere.name)
    found = page.locator(".ts-dropdown .option", has_text=elsewhere.name)
    found.first.wait_for()
    assert f"{elsewhere.name} · {elsewhere.unit.name}" in found.first.inner_text()

    # Choosing by typing and assigning a cell works end to end.
    page.locator("#id_people-ts-control").fill("高志")
    page.locator(".ts-dropdown .option", has_text="高志刚").first.click()
    page.keyboard.press("Escape")
    cell = survey_round.cells.filter(unit=village, state__in=["ready", "assigned"]).first()
    page.locator(f".cell-check[value='{cell.pk}']").check()
    page.locator("#assign-submit").click()
    page.locator(".alert-success", has_text="高志刚").wait_for()
    assert TaskCell.objects.get(pk=cell.pk).assignees.filter(pk=worker.pk).exists()


def test_bulk_assign_picker_on_the_plot_ledger_shows_units(logged_in, live_server) -> None:
    page = logged_in("admin")
    village = AdminUnit.objects.get(name="王窑湾村")
    page.goto(f"{live_server.url}/geo/plots/?unit={village.pk}")
    page.locator("#id_responsible[data-person-picker-ready]").wait_for(state="attached")
    page.locator("[data-testid=plots-assign] .ts-wrapper .ts-control").click()
    page.locator(".ts-dropdown .option").first.wait_for()
    _shot(page, "plot-bulk-picker-desktop")
    texts = [t for t in page.locator(".ts-dropdown .option").all_inner_texts() if "·" in t]
    assert texts and all(t.endswith("· 王窑湾村") for t in texts), texts


def _login(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_grid_worker_lands_on_my_tasks_and_a_task_opens_its_map_zoomed(
    page, live_server, demo_campaign, viewport
) -> None:
    if viewport:
        page.set_viewport_size(viewport)
    _login(page, live_server, "grid")
    page.wait_for_url("**/patrols/mine/")
    assert page.locator("h1").inner_text() == "我的踏查任务"
    row = page.locator("[data-testid=task-row]").first
    w, s, e, n = (float(v) for v in row.get_attribute("data-bbox").split(","))
    assert row.bounding_box()["height"] >= 44
    _shot(page, f"my-tasks-{'phone' if viewport else 'desktop'}")
    row.click()
    page.wait_for_url("**/dead-corners/?bbox=*")
    page.locator("#round-map[data-focus]").wait_for(state="attached")
    page.wait_for_timeout(400)
    _shot(page, f"task-map-{'phone' if viewport else 'desktop'}")
    bounds = page.evaluate(
        "() => { const b = window.zcRoundMap.getBounds();"
        " return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; }"
    )
    assert bounds[0] <= w and bounds[1] <= s and bounds[2] >= e and bounds[3] >= n, bounds
    # Zoomed to the task, not the whole town: the view is at most a few times the task's size.
    assert (bounds[2] - bounds[0]) < max(20 * (e - w), 0.02), bounds


def test_other_roles_keep_their_landing(page, live_server, demo_campaign) -> None:
    _login(page, live_server, "cadre")
    page.wait_for_url(f"{live_server.url}/campaigns/**")


def test_track_upload_picker_follows_the_chosen_village_and_keeps_names_as_text(
    logged_in, live_server
) -> None:
    survey_round = SurveyRound.objects.first()
    hostile = Person.objects.filter(unit__name="王窑湾村").first()
    hostile.name = '<img src=x data-hostile="1">'
    hostile.save(update_fields=["name"])
    page = logged_in("admin")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/patrols/rounds/{survey_round.pk}/patrols/new/")
    page.locator("#id_people[data-person-picker-ready]").wait_for(state="attached")
    page.select_option("#id_unit", label="王窑湾村")
    village_filter = page.locator("select[data-person-village]")
    assert village_filter.locator("option:checked").inner_text() == "王窑湾村"
    # The uploader's own person (preselected, from the town office) stays chosen.
    assert "吉雅" in page.locator(".ts-control .item").first.inner_text()
    control = page.locator(".person-picker .ts-control")
    box = control.bounding_box()
    control.click(position={"x": box["width"] - 40, "y": box["height"] / 2})  # beside the chip
    page.locator(".ts-dropdown .option").first.wait_for()
    texts = page.locator(".ts-dropdown .option").all_inner_texts()
    assert texts and all(t.endswith("· 王窑湾村") for t in texts), texts
    assert f"{hostile.name} · 王窑湾村" in texts  # shown as text, never parsed as HTML
    assert page.locator("[data-hostile]").count() == 0
    _shot(page, "patrol-form-picker-phone")
    assert _small_targets(page) == []
    heights = page.locator(".ts-dropdown .option").evaluate_all(
        "els => els.map((e) => e.getBoundingClientRect().height)"
    )
    assert min(heights) >= 44  # each name is a tap-sized row
