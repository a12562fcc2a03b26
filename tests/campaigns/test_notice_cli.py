"""`zerocrop import-notice`, run in-process through zerocrop.cli.main."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from zerocrop.campaigns.notice import parse_notice
from zerocrop.campaigns.notice_files import read_notice_file
from zerocrop.cli import main

NOTICES = Path(__file__).parent / "notices"
SEED = Path(__file__).parents[2].parent / "shared/seed/000_cf7400cc5e9430ef.txt"


def run_json(path: Path, capsys: pytest.CaptureFixture[str]) -> dict:
    code = main(["import-notice", str(path), "--dry-run", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


@pytest.mark.skipif(not SEED.exists(), reason=f"seed notice {SEED} is not present in this checkout")
def test_seed_notice_json(capsys: pytest.CaptureFixture[str]) -> None:
    data = run_json(SEED, capsys)
    assert data["campaign"]["name"] == "利剑-22"
    assert data["campaign"]["town"] == "无定河镇"
    assert data["campaign"]["issued_on"] == "2022-04-26"
    roles = [m["role"] for m in data["group"]]
    assert (roles.count("组长"), roles.count("副组长"), roles.count("成员")) == (1, 2, 21)
    assert [(p["start"], p["end"]) for p in data["phases"]] == [
        ("2022-04-26", "2022-05-10"),
        ("2022-05-10", "2022-05-25"),
        ("2022-05-25", "2022-09-20"),
        ("2022-09-20", "2022-09-30"),
    ]
    kinds = [u["kind"] for u in data["units"]]
    assert {kind: kinds.count(kind) for kind in set(kinds)} == {
        "village": 14,
        "community": 2,
        "police_station": 2,
        "judicial_office": 2,
        "office": 1,
    }
    assert data["office"] == {"location": "镇平安建设办公室", "head": "张万祥", "deputy": "吉雅"}
    assert data["warnings"] == []


@pytest.mark.skipif(not SEED.exists(), reason=f"seed notice {SEED} is not present in this checkout")
def test_seed_notice_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import-notice", str(SEED), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "行动名称：利剑-22" in out
    assert "领导小组：组长 1 人，副组长 2 人，成员 21 人" in out
    assert "实施阶段：4 个" in out
    assert "  动员部署：2022-04-26 至 2022-05-10" in out
    assert "单位：村 14 个，社区 2 个，派出所 2 个，司法所 2 个，机关科室 1 个" in out
    assert "警告：0 条" in out


@pytest.mark.parametrize("path", sorted(NOTICES.glob("*.txt")), ids=lambda p: p.name)
def test_json_output_is_the_drafts_dict(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_json(path, capsys) == parse_notice(read_notice_file(path)).to_dict()


def test_json_keeps_chinese_readable(capsys: pytest.CaptureFixture[str]) -> None:
    main(["import-notice", str(NOTICES / "jinshan_jiedao_gbk.txt"), "--dry-run", "--json"])
    out = capsys.readouterr().out
    assert "金山街道" in out and "\\u" not in out
    assert out.startswith('{\n  "campaign"')


def test_summary_lists_warnings(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["import-notice", str(NOTICES / "shuangshu_generic_villages.txt"), "--dry-run"])
    out = capsys.readouterr().out
    assert code == 0
    assert "领导小组：组长 1 人，副组长 1 人，成员 2 人" in out
    assert "办公室：设在 镇派出所；主任 （未识别）；副主任 （无）" in out
    assert "单位：村 0 个，社区 0 个，派出所 1 个，司法所 1 个，机关科室 0 个" in out
    assert "警告：6 条" in out
    assert "  - 第12行“成  员：镇派出所所长”只有职务没有姓名，姓名未导入，请补录。" in out


def test_docx_through_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from docx import Document

    document = Document()
    for text in (
        "河湾乡人民政府关于印发《河湾乡“净土2024”禁种铲毒行动实施方案》的通知",
        "2024年3月1日",
        "组  长：高  峰  乡党委书记",
        "成  员：陈  静  河湾村党支部书记",
        "（一）宣传阶段（3月1日至3月31日）",
    ):
        document.add_paragraph(text)
    path = tmp_path / "notice.docx"
    document.save(str(path))
    data = run_json(path, capsys)
    assert data["campaign"]["name"] == "净土2024"
    assert data["campaign"]["town"] == "河湾乡"
    assert [(m["name"], m["unit"]) for m in data["group"]] == [("高峰", None), ("陈静", "河湾村")]
    assert data["phases"] == [{"name": "宣传", "start": "2024-03-01", "end": "2024-03-31"}]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.txt", None, "找不到文件"),
        ("notice.pdf", b"%PDF-1.4", "不支持的文件类型"),
        ("broken.docx", b"PK\x03\x04 broken", "无法读取 Word 文件"),
        ("garbled.txt", b"\x81\x30\xff\xff\xfe", "无法识别文件编码"),
    ],
)
def test_unreadable_file_exits_2_with_a_chinese_message(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    content: bytes | None,
    message: str,
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    assert main(["import-notice", str(path), "--dry-run", "--json"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("错误：") and message in err


@pytest.mark.django_db
def test_dry_run_never_saves(capsys: pytest.CaptureFixture[str]) -> None:
    from zerocrop.campaigns.models import Campaign

    path = NOTICES / "hongliu_xiang_time_range.txt"
    assert main(["import-notice", str(path), "--dry-run", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["campaign"]["name"] == "清源2023"
    assert not Campaign.objects.filter(name="清源2023").exists()


def test_command_is_registered_with_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["import-notice", "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "--dry-run" in out and "--json" in out and "FILE" in out


@pytest.mark.django_db
def test_import_without_dry_run_saves_and_keeps_stdout_json(capsys) -> None:
    from zerocrop.campaigns.models import Campaign

    path = NOTICES / "hongliu_xiang_time_range.txt"
    assert main(["import-notice", str(path), "--json"]) == 0
    captured = capsys.readouterr()
    draft = json.loads(captured.out)
    assert "已创建行动" in captured.err
    campaign = Campaign.objects.get(name=draft["campaign"]["name"])
    assert campaign.notice_text == read_notice_file(path)
    assert main(["import-notice", str(path), "--json"]) == 2  # the same campaign again
    assert "已有名为" in capsys.readouterr().err
