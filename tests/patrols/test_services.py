from datetime import date, timedelta

import pytest
from django.utils import timezone

from zerocrop.core.errors import ApplicationError
from zerocrop.org.models import AdminUnit, Person, User
from zerocrop.patrols.choices import CellState
from zerocrop.patrols.models import TaskCell
from zerocrop.patrols.selectors import dead_corners, round_progress
from zerocrop.patrols.services import (
    cell_invalidate,
    cell_mark_unreachable,
    cell_reopen,
    cell_validate,
    cells_assign,
    patrol_record_create,
    round_create,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def flowering_round(demo_campaign, village):
    window = demo_campaign.critical_windows.get(species="poppy", stage="flowering")
    second = AdminUnit.objects.get(name="王窑湾村")  # has key and traditional zones
    return round_create(
        campaign=demo_campaign, window=window, name="开花期踏查", units=[village, second]
    )


def people(*names: str) -> list[Person]:
    return [Person.objects.filter(name=n).first() for n in names]


def test_round_makes_a_cell_per_plot_and_grid_cells_for_zones(flowering_round, village) -> None:
    cells = TaskCell.objects.filter(round=flowering_round)
    from zerocrop.geo.models import Plot

    units = ["毛布拉格村", "王窑湾村"]
    assert cells.filter(kind="plot").count() == Plot.objects.filter(unit__name__in=units).count()
    grid = cells.filter(kind="grid")
    assert grid.exists() and {c.unit.name for c in grid} == {"王窑湾村"}
    assert max(c.area_m2 for c in grid) <= 200 * 200 * 1.6  # merged slivers at most
    assert flowering_round.starts_on.isoformat() == "2022-06-20"
    courtyard = cells.filter(plot__kind="courtyard").first()
    assert courtyard is None or courtyard.radius_m == 15


def test_round_outside_the_town_or_without_units_is_refused(demo_campaign) -> None:
    window = demo_campaign.critical_windows.first()
    with pytest.raises(ApplicationError, match="请至少选择一个村"):
        round_create(campaign=demo_campaign, window=window, name="x", units=[])
    with pytest.raises(ApplicationError, match="完成覆盖率"):
        round_create(
            campaign=demo_campaign,
            window=window,
            name="x",
            units=[AdminUnit.objects.get(name="庙滩村")],
            threshold=1.5,
        )


def test_walking_a_plot_surveys_it_and_cross_check_validates(
    flowering_round, village, sweep_track
) -> None:
    cell = flowering_round.cells.filter(kind="plot", unit=village).order_by("area_m2").last()
    worker = people("高志刚")
    cells_assign(cells=[cell], people=worker)
    now = timezone.now()
    record = patrol_record_create(
        survey_round=flowering_round,
        unit=village,
        people=worker,
        started_at=now - timedelta(hours=2),
        ended_at=now - timedelta(hours=1),
        result="nothing",
        tracks=[sweep_track(cell.geometry)],
    )
    cell.refresh_from_db()
    assert record.track_points > 10
    assert cell.state == CellState.SURVEYED and cell.covered_fraction >= 0.9
    same = User.objects.get(username="grid")  # 高志刚 walked it: no self-review
    with pytest.raises(ApplicationError, match="交叉复查"):
        cell_validate(cell=cell, reviewer=same)
    cell_validate(cell=cell, reviewer=User.objects.get(username="cadre"))
    cell.refresh_from_db()
    assert cell.state == CellState.VALIDATED


def test_invalidated_cell_needs_a_new_walk(flowering_round, village, sweep_track) -> None:
    cell = flowering_round.cells.filter(kind="plot", unit=village).order_by("area_m2").last()
    worker = people("高志刚")
    cells_assign(cells=[cell], people=worker)
    now = timezone.now()
    track = sweep_track(cell.geometry)
    patrol_record_create(
        survey_round=flowering_round,
        unit=village,
        people=worker,
        result="nothing",
        started_at=now - timedelta(days=2),
        ended_at=now - timedelta(days=2) + timedelta(hours=1),
        tracks=[track],
    )
    reviewer = User.objects.get(username="cadre")
    cell_invalidate(cell=TaskCell.objects.get(pk=cell.pk), reviewer=reviewer, reason="照片看不清")
    cell.refresh_from_db()
    assert cell.state == CellState.INVALIDATED and cell.reason == "照片看不清"
    assert list(cell.assignees.all()) == worker  # back to the same people
    # Another patrol elsewhere does not re-survey it with the old track.
    other = flowering_round.cells.filter(kind="plot", unit=village).order_by("area_m2").first()
    patrol_record_create(
        survey_round=flowering_round,
        unit=village,
        people=worker,
        result="nothing",
        started_at=now - timedelta(hours=3),
        ended_at=now - timedelta(hours=2),
        tracks=[sweep_track(other.geometry)],
    )
    cell.refresh_from_db()
    assert cell.state == CellState.INVALIDATED
    patrol_record_create(
        survey_round=flowering_round,
        unit=village,
        people=worker,
        result="nothing",
        started_at=timezone.now(),  # walked again after the review
        ended_at=timezone.now() + timedelta(minutes=5),
        tracks=[track],
    )
    cell.refresh_from_db()
    assert cell.state == CellState.SURVEYED


def test_progress_leaves_unreachable_out_and_does_not_count_invalidated(flowering_round) -> None:
    cells = list(flowering_round.cells.all()[:4])
    TaskCell.objects.filter(pk=cells[0].pk).update(state=CellState.VALIDATED)
    TaskCell.objects.filter(pk=cells[1].pk).update(state=CellState.SURVEYED)
    TaskCell.objects.filter(pk=cells[2].pk).update(state=CellState.INVALIDATED)
    cell_mark_unreachable(cell=cells[3], reason="河水上涨，无法过河")
    user = User.objects.get(username="admin")
    total, by_unit = round_progress(user=user, survey_round=flowering_round)
    n = flowering_round.cells.count()
    assert total.denominator == n - 1
    assert total.surveyed == 2 and total.validated == 1
    assert total.surveyed_pct == round(100 * 2 / (n - 1), 1)
    assert [r.unit.name for r in by_unit] == ["毛布拉格村", "王窑湾村"]
    assert sum(r.progress.total for r in by_unit) == n
    corners = dead_corners(user=user, survey_round=flowering_round, today=date(2022, 7, 1))
    codes = [c.cell.code for c in corners]
    assert cells[3].code not in codes and cells[0].code not in codes
    assert codes[0] == cells[2].code  # sent-back cells come first
    assert corners[0].days_left == 30
    cell_reopen(cell=TaskCell.objects.get(pk=cells[3].pk))
    assert TaskCell.objects.get(pk=cells[3].pk).state == CellState.READY


def test_illegal_transitions_are_refused(flowering_round) -> None:
    cell = flowering_round.cells.first()
    with pytest.raises(ApplicationError, match="待分配的任务不能复核通过"):
        cell_validate(cell=cell, reviewer=User.objects.get(username="cadre"))
    with pytest.raises(ApplicationError, match="必须写明原因"):
        cell_mark_unreachable(cell=cell, reason=" ")


def test_patrol_times_are_checked(flowering_round, village) -> None:
    now = timezone.now()
    with pytest.raises(ApplicationError, match="结束时间早于开始时间"):
        patrol_record_create(
            survey_round=flowering_round,
            unit=village,
            people=people("高志刚"),
            result="nothing",
            started_at=now,
            ended_at=now - timedelta(hours=1),
        )


def test_a_pdf_is_not_a_photo(flowering_round, village) -> None:
    from zerocrop.patrols.models import PatrolRecord

    now = timezone.now()
    with pytest.raises(ApplicationError, match="照片「现场.pdf」不是 JPG 或 PNG 图片"):
        patrol_record_create(
            survey_round=flowering_round,
            unit=village,
            people=people("高志刚"),
            result="nothing",
            started_at=now - timedelta(hours=2),
            ended_at=now - timedelta(hours=1),
            photos=[("现场.pdf", b"%PDF-1.4 fake")],
        )
    assert not PatrolRecord.objects.filter(round=flowering_round).exists()


def test_the_demo_round_shows_progress_and_a_dead_corner(demo_campaign) -> None:
    from zerocrop.demo.patrols import DEMO_ROUND

    demo = demo_campaign.survey_rounds.get(name=DEMO_ROUND)
    admin = User.objects.get(username="admin")
    total, _ = round_progress(user=admin, survey_round=demo)
    assert total.surveyed >= 6  # six plots of 毛布拉格村 swept closely
    partial = demo.cells.get(kind="grid", assignees__name__isnull=False)
    assert 0.05 < partial.covered_fraction < 0.9 and partial.state == "assigned"
    assert partial.uncovered is not None


def test_photo_claims_are_kept_and_disagreements_flagged(
    flowering_round, village, sweep_track
) -> None:
    import io
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from PIL import Image

    cell = flowering_round.cells.filter(kind="plot", unit=village).first()
    start = datetime(2022, 7, 5, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

    def photo(when: str, lon: float, lat: float, software: str = "HUAWEI Camera") -> bytes:
        exif = Image.Exif()
        exif[0x0131] = software
        exif[0x0132] = when
        exif[0x8825] = {1: "N", 2: (lat, 0.0, 0.0), 3: "E", 4: (lon, 0.0, 0.0)}
        buffer = io.BytesIO()
        Image.new("RGB", (16, 16), "red").save(buffer, format="JPEG", exif=exif)
        return buffer.getvalue()

    track = sweep_track(cell.geometry, start=start)
    lon, lat = track[0].lon, track[0].lat
    record = patrol_record_create(
        survey_round=flowering_round,
        unit=village,
        people=people("高志刚"),
        result="nothing",
        started_at=start,
        ended_at=start + timedelta(hours=1),
        tracks=[track],
        photos=[
            ("ok.jpg", photo("2022:07:05 08:20:00", lon, lat)),
            ("late.jpg", photo("2022:07:06 08:20:00", lon + 0.02, lat, "Adobe Photoshop 25.0")),
        ],
    )
    good, bad = sorted(record.photos.all(), key=lambda p: p.caption, reverse=True)
    assert good.caption == "ok.jpg" and good.mismatch == ""
    assert good.exif_taken_at == datetime(2022, 7, 5, 8, 20, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert "拍摄时间不在踏查时段内" in bad.mismatch
    assert "拍摄位置距轨迹" in bad.mismatch and "经 Adobe Photoshop 25.0 处理" in bad.mismatch
