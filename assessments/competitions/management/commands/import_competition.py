import json
from pathlib import Path

from lms.importing import ImportCommand, ImportRejected

from ...services_setup import competition_import


class Command(ImportCommand):
    help = (
        '导入技能比武定义（JSON）：{"name", "rounds": [{"name", "kind", "weight", "max_score", '
        '"quiz", "judges": [工号…]}], "entrants": [工号…]}，可选字段见 services_setup.competition_import。'
        "按名称新建或更新比赛；任一问题则全部不写入，逐条写到标准错误并以状态 2 退出；同一文件再次导入不产生变化。"
    )

    def run_import(self, path, **options):
        return competition_import(data=read_definition(path), actor=None)


def read_definition(path) -> object:
    path = Path(path)
    if not path.exists():
        raise ImportRejected([f"文件不存在：{path}"])
    try:
        return json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ImportRejected(["文件须是 UTF-8 编码的 JSON"]) from None
    except json.JSONDecodeError as exc:
        raise ImportRejected([f"第{exc.lineno}行: 不是有效的 JSON（{exc.msg}）"]) from None
