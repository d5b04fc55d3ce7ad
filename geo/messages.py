"""The message catalogue: every sentence geo says about the input and the run, in the reader's language.

A check never writes a sentence: it records a `Msg`, a catalogue key and the
facts (file names, values, counts) as arguments; the sentence is made when it
is shown, in ``zh`` (default), ``en`` or ``zh-Hant``. ``zh-Hant`` is the
``zh`` template converted by OpenCC (``s2t``) *before* the arguments are put
in, so the data's own values are never converted. `geo.words` does the same
for the analysis' gaps; this module holds the messages about the input
(`geo.errors.Problem`), the errors (`geo.errors.GeoError`) and the terminal.

Templates use `str.format` named fields (``{count:,}``, ``{share:.0%}``); an
argument that is itself a `Msg` or a `Seq` (a list said the language's way)
is rendered in the same language. Every key has a ``zh`` and an ``en``
template with the same fields; an English template that has no use for a
Chinese-only argument (a Chinese header to suggest) says so with the format
``{name:omit}``, which prints nothing.

Adding a message: add a key here with both templates, then record
``msg("the.key", name=value)`` where the problem is found; `msg` refuses an
unknown key or arguments that do not match the template's fields, and
``tests/test_messages.py`` checks the whole catalogue.
"""

from __future__ import annotations

import functools
import string
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

__all__ = ["CATALOGUE", "LANGUAGES", "Msg", "Seq", "fields", "msg", "render", "s2t", "seq", "template"]

LANGUAGES = ("zh", "en", "zh-Hant")

CATALOGUE: dict[str, dict[str, str]] = {
    # ------------------------------------------------------------------------- lists, quotes
    "sep.list": {"zh": "、", "en": ", "},
    "sep.comma": {"zh": "，", "en": ", "},
    "sep.semicolon": {"zh": "；", "en": "; "},
    "sep.or": {"zh": " 或 ", "en": " or "},
    "quote": {"zh": "“{value}”", "en": "“{value}”"},
    # ------------------------------------------------------------------------- a problem as a line (geo.errors)
    "problem.at_row": {"zh": "{file} 第 {row} 行", "en": "{file} row {row}"},
    "problem.at_feature": {"zh": "{file} 第 {row} 个要素", "en": "{file} feature {row}"},
    "problem.record": {"zh": "{where}（{record}）", "en": "{where} ({record})"},
    "problem.in_column": {"zh": "{where}，“{column}”列", "en": "{where}, column “{column}”"},
    "problem.line": {"zh": "{where}：{message}", "en": "{where}: {message}"},
    "problem.value": {"zh": "（值：“{value}”）", "en": " (value “{value}”)"},
    "problem.fix": {"zh": "。修改：{fix}", "en": ". Fix: {fix}"},
    "group.rows": {"zh": "（第 {rows}{more} 行，共 {count:,} 行", "en": " (rows {rows}{more}; {count:,} in all"},
    "group.features": {
        "zh": "（第 {rows}{more} 个要素，共 {count:,} 个要素",
        "en": " (features {rows}{more}; {count:,} in all",
    },
    "group.record": {"zh": "{row}（{record}）", "en": "{row} ({record})"},
    "group.values": {"zh": "；值如 {values}{more}", "en": "; values such as {values}{more}"},
    "group.end": {"zh": "）", "en": ")"},
    "group.fixes_differ": {
        "zh": "（各行的建议不同，见问题清单）",
        "en": " (the fix differs by row: see the problem list)",
    },
    "group.more": {"zh": "… 另有 {count} 类", "en": "… and {count} more kinds"},
    "validation.errors": {"zh": "输入数据有 {count:,} 处错误：", "en": "Errors in the input ({count:,}):"},
    "error.in_file": {"zh": "{file}：{message}", "en": "{file}: {message}"},
    # ------------------------------------------------------------------------- the ledger (geo.ledger)
    "severity.error": {"zh": "错误", "en": "error"},
    "severity.warning": {"zh": "警告", "en": "warning"},
    "severity.note": {"zh": "说明", "en": "note"},
    "action.error": {"zh": "需修正后重新运行", "en": "fix it and run again"},
    "action.warning": {"zh": "已修复或照用", "en": "repaired or used as it is"},
    "action.note": {"zh": "按说明读取", "en": "read as the note says"},
    "action.rejected": {"zh": "该行未使用", "en": "row not used"},
    "action.outside": {"zh": "辖区之外，未计入", "en": "outside the district, not counted"},
    # ------------------------------------------------------------------------- the terminal (geo.cli, geo._main)
    "cli.warnings": {"zh": "{count:,} 条警告{where}：", "en": "Warnings ({count:,}{where}):"},
    "cli.notes": {"zh": "{count:,} 条说明{where}：", "en": "Notes ({count:,}{where}):"},
    "cli.all_listed_in": {"zh": "（全部列在 {file}）", "en": ", all listed in {file}"},
    "cli.map_size": {
        "zh": "{name} {mb:.2f} MB，{vertices:,} 个顶点，{per_vertex:.0f} 字节/顶点",
        "en": "{name} {mb:.2f} MB, {vertices:,} vertices, {per_vertex:.0f} bytes/vertex",
    },
    "cli.map_size_leaders": {
        "zh": "leaders/ {count} 个共 {mb:.1f} MB，平均 {per_vertex:.0f} 字节/顶点",
        "en": "leaders/ {count} maps, {mb:.1f} MB in all, {per_vertex:.0f} bytes/vertex on average",
    },
    "cli.map_sizes": {"zh": "地图大小：{sizes}", "en": "Map sizes: {sizes}"},
    "cli.gap_kind": {"zh": "空白类型", "en": "Gap kind"},
    "progress.run": {"zh": "检查", "en": "Checking"},
    "progress.load": {"zh": "读取文件", "en": "reading the files"},
    "progress.validate": {"zh": "校验数据", "en": "validating"},
    "progress.resolve": {"zh": "定位路段", "en": "placing the sections"},
    "progress.analyse": {"zh": "查找空白", "en": "finding gaps"},
    "progress.reports": {"zh": "写报表", "en": "writing the reports"},
    "progress.maps": {"zh": "画地图", "en": "drawing the maps"},
    "progress.leader_maps": {"zh": "领导地图", "en": "Leader maps"},
    # the bulletin (通报, geo.bulletin): one sentence each, figures as arguments
    "bulletin.title": {
        "zh": "关于创卫工作进展情况的通报",
        "en": "Bulletin on the progress of the sanitary-city campaign",
    },
    "bulletin.as_of": {"zh": "（截至 {date}）", "en": "(as of {date})"},
    "bulletin.opening": {
        "zh": "为推进创建国家卫生城市各项工作落实，现将截至 {date} 各责任单位工作进展情况通报如下。",
        "en": "To push the campaign's work forward, here is each responsible unit's progress as of {date}.",
    },
    "bulletin.h.overall": {"zh": "一、总体情况", "en": "1. Overall"},
    "bulletin.h.change": {
        "zh": "二、本期进展（{since} 至 {date}）",
        "en": "2. Since the last meeting ({since} to {date})",
    },
    "bulletin.h.change_none": {"zh": "二、本期进展", "en": "2. Since the last meeting"},
    "bulletin.h.ranking": {"zh": "三、进展排名", "en": "3. Ranking"},
    "bulletin.h.overdue": {"zh": "四、逾期事项", "en": "4. Overdue items"},
    "bulletin.h.charts": {"zh": "五、历次进展", "en": "5. Progress over the meetings"},
    "bulletin.communities": {
        "zh": "全区共有社区 {total} 个，其中示范社区 {demonstration} 个、重点社区 {key} 个、一般社区 {general} 个；"
        "有责任人的社区 {with_leader} 个。",
        "en": "The district has {total} communities: {demonstration} demonstration, {key} key and {general} general; "
        "{with_leader} have a leader.",
    },
    "bulletin.roads": {
        "zh": "市领导包保道路 {city} 条，区领导包保路段 {sections} 段，道路包保覆盖率 {coverage}。",
        "en": "City leaders hold {city} roads and district leaders {sections} sections; road coverage is {coverage}.",
    },
    "bulletin.issues": {
        "zh": "共受理投诉与督查问题 {total} 个，已整改 {resolved} 个，未整改 {open} 个，其中逾期 {overdue} 个。",
        "en": "{total} complaints and inspection findings were received: {resolved} resolved, {open} open, "
        "{overdue} of them overdue.",
    },
    "bulletin.items": {
        "zh": "整改事项 {total} 项，已完成 {done} 项，占 {share}；逾期未完成 {overdue} 项。",
        "en": "{total} rectification items: {done} done ({share}); {overdue} overdue and not done.",
    },
    "bulletin.items_reported": {
        "zh": "整改事项 {total} 项，报完成 {reported} 项，其中已核实 {confirmed} 项，占 {share}；"
        "逾期未完成 {overdue} 项。",
        "en": "{total} rectification items: {reported} reported done, {confirmed} of them confirmed ({share}); "
        "{overdue} overdue and not done.",
    },
    "bulletin.issues_reported": {
        "zh": "问题报已整改 {reported} 个，其中已核实 {confirmed} 个。",
        "en": "{reported} issues reported resolved, {confirmed} of them confirmed.",
    },
    "bulletin.gaps": {
        "zh": "责任空白点 {total} 处，须逐一明确责任人。",
        "en": "{total} places have no one responsible and each needs a leader.",
    },
    "bulletin.no_gaps": {"zh": "未发现责任空白点。", "en": "No place is without a leader."},
    "bulletin.change": {
        "zh": "本期完成整改事项 {completed} 项，新增逾期事项 {overdue} 项；新增问题 {new} 个，整改问题 {resolved} 个；"
        "新增空白点 {opened} 处，消除空白点 {closed} 处。",
        "en": "Since then {completed} items were completed and {overdue} became overdue; {new} issues came in and "
        "{resolved} were resolved; {opened} gaps opened and {closed} closed.",
    },
    "bulletin.change_confirmed": {
        "zh": "本期已核实整改事项 {items} 项、问题 {issues} 个（其余为责任人报完成，待督查组核实）。",
        "en": "{items} items and {issues} issues were confirmed since then (the rest are reported done by their "
        "leaders and wait for an inspection group).",
    },
    "bulletin.no_snapshot": {
        "zh": "尚无上期数据（请在每次推进会后运行 geo snapshot）。",
        "en": "There is no earlier state yet (run geo snapshot after each meeting).",
    },
    "bulletin.history_skipped": {
        "zh": "{dates} 的快照无法读取，未计入比较与图表。",
        "en": "The snapshots of {dates} could not be read and are left out of the comparison and the charts.",
    },
    "bulletin.lagging": {
        "zh": "以下单位进展较慢，予以通报，请于 {deadline} 前完成整改：{units}。",
        "en": "These units lag and are named here; they are to finish by {deadline}: {units}.",
    },
    "bulletin.deadline_past": {
        "zh": "整改期限 {deadline} 不在截至日期 {as_of} 之后。请给一个以后的日期（--deadline），"
        "或不写它，用截至日期后 deadline_days 天（geo.toml 的 [bulletin]，默认 14）",
        "en": "the deadline {deadline} is not after the as-of date {as_of}. Give a later date (--deadline), "
        "or leave it out for deadline_days after the as-of date ([bulletin] in geo.toml, 14 by default)",
    },
    "bulletin.no_lagging": {"zh": "各单位均按期推进。", "en": "Every unit is on schedule."},
    "bulletin.col.unit": {"zh": "单位", "en": "Unit"},
    "bulletin.col.leader": {"zh": "责任人", "en": "Leader"},
    "bulletin.col.items": {"zh": "整改事项", "en": "Items"},
    "bulletin.col.done": {"zh": "已完成", "en": "Done"},
    "bulletin.col.share": {"zh": "完成率", "en": "Done (%)"},
    "bulletin.col.overdue": {"zh": "逾期", "en": "Overdue"},
    "bulletin.col.item": {"zh": "事项", "en": "Item"},
    "bulletin.col.where": {"zh": "所在", "en": "Where"},
    "bulletin.col.due": {"zh": "期限", "en": "Due"},
    "bulletin.none_overdue": {"zh": "无逾期事项。", "en": "Nothing is overdue."},
    "bulletin.chart.done": {"zh": "整改事项完成率（%）", "en": "Items done (%)"},
    "bulletin.chart.open": {"zh": "未整改问题（个）", "en": "Open issues"},
    "bulletin.footer": {
        "zh": "（本通报由 geo 根据 {project} 的数据生成）",
        "en": "(Made by geo from the data of {project})",
    },
    "bulletin.written": {"zh": "已写入通报：{files}", "en": "Bulletin written: {files}"},
    "cli.snapshot_written": {"zh": "已保存快照：{folder}", "en": "Snapshot kept: {folder}"},
    # ------------------------------------------------------------------------- the history (geo.history)
    "history.skipped": {
        "zh": "{date} 的快照无法读取，已跳过，不计入变化与图表：{reason}",
        "en": "the snapshot of {date} cannot be read and is left out of the changes and the charts: {reason}",
    },
    "history.missing": {"zh": "文件缺失", "en": "the file is missing"},
    "history.empty": {"zh": "文件是空的", "en": "the file is empty"},
    "history.not_utf8": {"zh": "不是 UTF-8 文本", "en": "it is not UTF-8 text"},
    "history.not_json": {"zh": "不是可读的 JSON（{error}）", "en": "it is not readable JSON ({error})"},
    "history.not_csv": {"zh": "不是可读的 CSV（{error}）", "en": "it is not a readable CSV ({error})"},
    "history.cannot_open": {"zh": "无法打开（{error}）", "en": "it cannot be opened ({error})"},
    "history.not_folder": {"zh": "不是文件夹", "en": "it is not a folder"},
    "history.not_an_object": {"zh": "内容不是 JSON 对象", "en": "it does not hold a JSON object"},
    "history.bad_format": {"zh": "格式编号“{found}”无效", "en": "its format number “{found}” is not valid"},
    "history.newer_format": {
        "zh": "由更新版本的 geo 写成（格式 {found}；本版本能读到格式 {known}）",
        "en": "a newer geo wrote it (format {found}; this geo reads up to format {known})",
    },
    "history.wrong_date": {
        "zh": "记录的日期“{found}”与文件夹名不符",
        "en": "the date it records, “{found}”, is not the folder's",
    },
    "history.missing_columns": {"zh": "缺少列 {columns}", "en": "columns {columns} are missing"},
    "history.duplicate_ids": {"zh": "问题编号重复：{ids}", "en": "issue ids appear twice: {ids}"},
    "history.missing_figures": {"zh": "缺少数字 {figures}", "en": "the figures {figures} are missing"},
    "history.fix": {
        "zh": "从备份恢复该文件；无法恢复时删除文件夹 {folder}",
        "en": "restore the file from a backup; if there is none, delete the folder {folder}",
    },
    "history.fix_newer": {
        "zh": "升级 geo（pip install -U geo-cw）后再运行",
        "en": "upgrade geo (pip install -U geo-cw), then run again",
    },
    "history.since_unreadable": {
        "zh": "--since {date}：{where}：{problem}",
        "en": "--since {date}: {where}: {problem}",
    },
    "history.since_missing": {
        "zh": "--since {date}：没有这一天的快照（已有：{dates}）。修改：用已有的日期，或不加 --since",
        "en": "--since {date}: there is no snapshot of that day (there are: {dates}). Fix: give one of those "
        "dates, or leave --since out",
    },
    "share.map": {"zh": "责任地图", "en": "map"},
    "share.print": {"zh": "打印版", "en": "printable"},
    "share.tasks": {"zh": "任务清单", "en": "tasks"},
    "share.written": {"zh": "已写入 {count} 个分享包：{folder}", "en": "{count} share packs written: {folder}"},
    "cli.gap_count": {"zh": "数量", "en": "Count"},
    "cli.table_fill": {"zh": "　", "en": " "},  # pads the gap table: an ideographic space lines up Chinese labels
    "cli.ledger": {
        "zh": "读取（使用/读取行数）：{files}{rejected}{outside}",
        "en": "Rows used/read: {files}{rejected}{outside}",
    },
    "cli.ledger_rejected": {"zh": "；剔除 {count:,} 行{why}", "en": "; rejected: {count:,}{why}"},
    "cli.ledger_why": {"zh": "，原因见 {file}", "en": " (reasons in {file})"},
    "cli.ledger_none_rejected": {"zh": "；无剔除", "en": "; none rejected"},
    "cli.ledger_outside": {"zh": "；辖区外 {count:,} 行", "en": "; outside the district: {count:,}"},
    "cli.ledger_not_written": {"zh": "问题清单未写入：{error}", "en": "The problem list was not written: {error}"},
    "cli.invalid": {
        "zh": "输入数据有误，未生成地图。{errors}",
        "en": "No maps were made. {errors}",
    },
    "cli.all_written": {"zh": "全部问题已写入 {file}{kept}", "en": "Every problem is listed in {file}{kept}"},
    "cli.out_untouched": {
        "zh": "；输出文件夹 {folder} 未改动{last}",
        "en": "; the output folder {folder} was not touched{last}",
    },
    "cli.last_build_kept": {
        "zh": "，其中上次生成的地图与报表保持不变",
        "en": ": the maps and reports of the last build are as they were",
    },
    "cli.error": {"zh": "错误：{error}", "en": "Error: {error}"},
    "cli.os_error": {
        "zh": "错误：无法读写 {where}：{reason}。{advice}",
        "en": "Error: cannot read or write {where}: {reason}. {advice}",
    },
    "cli.os_missing": {
        "zh": "它不存在，或在运行期间被移走、删除了；请检查路径后重新运行",
        "en": "It does not exist, or was moved or deleted while geo ran; check the path and run again",
    },
    "cli.os_denied_out": {
        "zh": "没有写入权限：--out 应是一个你可以写入的文件夹",
        "en": "Permission denied: --out must be a folder you can write to",
    },
    "cli.os_denied": {
        "zh": "没有权限：请检查该文件或文件夹的权限（或是否为只读磁盘）",
        "en": "Permission denied: check the file's or the folder's permissions (or whether the disk is read-only)",
    },
    "cli.os_full": {
        "zh": "磁盘已满：请腾出空间后重新运行（上次的结果保持不变）",
        "en": "The disk is full: free some space and run again (the last results are as they were)",
    },
    "cli.os_kind": {
        "zh": "文件与文件夹不符：项目文件夹中的图层应是文件，--out 应是一个文件夹",
        "en": "A file where a folder should be, or a folder where a file should be: the layers in the project "
        "folder must be files, and --out a folder",
    },
    "cli.os_other": {
        "zh": "请检查路径与磁盘后重新运行",
        "en": "Check the path and the disk, then run again",
    },
    "cli.internal": {
        "zh": "内部错误（程序缺陷）：{kind}: {error}\n请加 -v 重新运行以查看详细信息，并报告此问题。",
        "en": "Internal error (a bug in geo): {kind}: {error}\n"
        "Run again with -v to see the details, and please report it.",
    },
    "cli.built": {
        "zh": "已写入 {out}/index.html、overview.html、gaps.html、leaders/（{count} 个）与 reports/",
        "en": "Written: {out}/index.html, overview.html, gaps.html, leaders/ ({count} maps) and reports/",
    },
    "cli.valid": {
        "zh": "{project}：数据有效（{count:,} 条警告）{written}",
        "en": "{project}: the data are valid (warnings: {count:,}){written}",
    },
    "cli.valid_written": {"zh": "；问题清单已写入 {file}", "en": "; the problem list is in {file}"},
    "cli.reports_written": {"zh": "报表已写入 {folder}", "en": "Reports written to {folder}"},
    "cli.init_written": {"zh": "已写入 {path}", "en": "Written: {path}"},
    "cli.init_next": {
        "zh": "请放入 communities 图层（有道路数据时也放入 roads），填好表格后运行：geo validate {folder}"
        "（说明.txt 列出全部文件）",
        "en": "Add the communities layer (and roads, if you have them), fill in the tables, then run: "
        "geo validate {folder} (the guide in the folder lists every file)",
    },
    "cli.stopped": {"zh": "已中止", "en": "Stopped"},
    # ------------------------------------------------------------------------- the output folder (geo.output)
    "output.busy": {
        "zh": "另一个 geo 正在写入 {folder}；请等它结束后再运行（同一输出文件夹一次只能有一个任务）",
        "en": "another geo run is writing to {folder}; wait for it to finish, then run again "
        "(one run at a time per output folder)",
    },
    "output.not_ours": {
        "zh": "输出文件夹 {folder} 已有其他文件（如 {file}），且不是 geo 生成的；"
        "为免覆盖你的文件，请用 --out 指定一个新的或空的文件夹",
        "en": "the output folder {folder} holds other files (such as {file}), not written by geo; so as not to "
        "overwrite them, give --out a new or empty folder",
    },
    "output.not_a_folder": {
        "zh": "输出位置 {folder} 是一个文件，不是文件夹；请用 --out 指定一个文件夹（新的、空的，或 geo 写过的）",
        "en": "the output {folder} is a file, not a folder; give --out a folder (a new or empty one, or one geo wrote)",
    },
    "output.edited": {
        "zh": "{folder} 中的 {files}{more} 在 geo 写出后被人修改过（或不是 geo 写的），geo 不会覆盖；"
        "输出文件夹未改动。修改：要保留的，改名或移出该文件夹；不需要的，删除；然后重新运行",
        "en": "in {folder}, {files}{more} changed after geo wrote it (or geo did not write it), and geo does not "
        "overwrite it; the output folder was not touched. Fix: rename it or move it out of the folder to keep "
        "it, or delete it; then run again",
    },
    "output.in_the_way": {
        "zh": "{folder} 中的 {file} 挡住了 geo 要写的文件（同名的文件与文件夹）；输出文件夹未改动。"
        "修改：把它改名或移出该文件夹，然后重新运行",
        "en": "in {folder}, {file} is in the way of what geo writes (a file and a folder of one name); the output "
        "folder was not touched. Fix: rename it or move it out of the folder, then run again",
    },
    "output.cannot_keep": {
        "zh": "无法保留输出文件夹中的 {file}（{reason}）；输出文件夹未改动。修改：把它移出该文件夹，然后重新运行",
        "en": "cannot keep {file} of the output folder ({reason}); the output folder was not touched. "
        "Fix: move it out of the folder, then run again",
    },
    "output.kept_both": {
        "zh": "{file} 在 geo 写出后被人修改过（或不是 geo 写的），保留不动；新的写为 {new}",
        "en": "{file} changed after geo wrote it (or geo did not write it): kept as it is; the new one is {new}",
    },
    "output.kept_edited": {
        "zh": "{file} 在 geo 写出后被人修改过，本应删除（已不再生成），现保留不动",
        "en": "{file} changed after geo wrote it: geo no longer writes it, and keeps it as it is",
    },
    "output.rescued": {
        "zh": "{file} 在运行期间被改动，已保留为 {new}",
        "en": "{file} changed while geo was writing the folder: kept as {new}",
    },
    "output.manifest_unreadable": {
        "zh": "{file} 无法读取；geo 写的文件按文件名认定，其他文件一律保留",
        "en": "{file} cannot be read: the files geo wrote are told by their names, and every other file is kept",
    },
    # ------------------------------------------------------------------------- printable pages (geo.printable)
    "print.no_cjk_font": {
        "zh": "找不到中文字体，无法生成打印版地图。请安装中文字体：Debian/Ubuntu 运行 sudo apt-get install "
        "fonts-noto-cjk（其他系统可装思源黑体、文泉驿或黑体），或把环境变量 GEO_CJK_FONT 设为一个字体文件"
        "（.ttf、.otf 或 .ttc）的路径",
        "en": "no Chinese font found, so the printable pages cannot be drawn. Install one: on Debian/Ubuntu "
        "sudo apt-get install fonts-noto-cjk (elsewhere Source Han Sans, WenQuanYi or SimHei will do), or set "
        "the environment variable GEO_CJK_FONT to a font file (.ttf, .otf or .ttc)",
    },
    "print.bad_font_file": {
        "zh": "GEO_CJK_FONT 指向的字体文件 {file} {reason}。请改为一个含中文的字体文件（.ttf、.otf 或 .ttc），"
        "或删去该变量并安装中文字体（Debian/Ubuntu：sudo apt-get install fonts-noto-cjk）",
        "en": "the font file GEO_CJK_FONT names, {file}, {reason}. Name a font file with Chinese characters "
        "(.ttf, .otf or .ttc), or unset it and install a Chinese font (Debian/Ubuntu: "
        "sudo apt-get install fonts-noto-cjk)",
    },
    "print.font_missing": {"zh": "不存在", "en": "does not exist"},
    "print.font_unreadable": {"zh": "无法读取（{error}）", "en": "cannot be read ({error})"},
    "print.font_no_chinese": {"zh": "不含中文字符", "en": "has no Chinese characters"},
    "leaders.unknown": {
        "zh": "没有编号或姓名为“{leader}”的责任人（见 leaders 表的 id 与 name 列）",
        "en": "no leader has the id or name “{leader}” (see the id and name columns of the leaders table)",
    },
    "leaders.ambiguous": {
        "zh": "有 {count} 名责任人叫“{leader}”（编号 {ids}）；请用编号指定",
        "en": "{count} leaders are called “{leader}” (ids {ids}); name one by its id",
    },
    # ------------------------------------------------------------------------- geo.toml (geo.config)
    "config.unknown_key": {
        "zh": "{where}：未知的设置项“{key}”{hint}（可用：{valid}）",
        "en": "{where}: unknown setting “{key}”{hint} (valid: {valid})",
    },
    "config.did_you_mean": {"zh": "；是否应为“{close}”？", "en": "; did you mean “{close}”?"},
    "config.not_names": {
        "zh": "{where}：应为名称表，实际是 {value}",
        "en": "{where}: should be a table of names, not {value}",
    },
    "config.not_text": {
        "zh": "{where}.{key}：应为非空文本，实际是 {value}",
        "en": "{where}.{key}: should be text, not empty, not {value}",
    },
    "config.not_table": {"zh": "{where}：应为一个表，实际是 {value}", "en": "{where}: should be a table, not {value}"},
    "config.not_number": {
        "zh": "{where}.{key}：应为不小于 0 的数字，实际是 {value}",
        "en": "{where}.{key}: should be a number, 0 or more, not {value}",
    },
    "config.not_count": {
        "zh": "{where}.{key}：应为不小于 1 的整数，实际是 {value}",
        "en": "{where}.{key}: should be a whole number, 1 or more, not {value}",
    },
    "config.wrong_type": {
        "zh": "{where}.{key}：应为{kind}，实际是 {value}",
        "en": "{where}.{key}: should be {kind}, not {value}",
    },
    "config.kind_text": {"zh": "文本", "en": "text"},
    "config.kind_bool": {"zh": "true 或 false", "en": "true or false"},
    "config.amap_mixed": {
        "zh": "{where}：底图 amap（高德）是 GCJ-02 坐标，不能与 {others}（WGS84）混用；请只选一类",
        "en": "{where}: the amap basemap (AMap) is in GCJ-02 and cannot be mixed with {others} (WGS84); "
        "choose one kind",
    },
    "config.intranet_url": {
        "zh": '{where}：底图 intranet 需要 tiles_url，例如 tiles_url = "http://10.1.2.3/tiles/{{z}}/{{x}}/{{y}}.png"',
        "en": '{where}: the intranet basemap needs tiles_url, e.g. tiles_url = "http://10.1.2.3/tiles/{{z}}/{{x}}/{{y}}.png"',
    },
    "config.columns_tables": {
        "zh": "{where} [columns]：应写成 [columns.roads] 这样的表",
        "en": "{where} [columns]: write it as tables such as [columns.roads]",
    },
    "config.bad_today": {
        "zh": "{where}：today = {value} 不是日期（写作 today = 2022-05-14）",
        "en": "{where}: today = {value} is not a date (write today = 2022-05-14)",
    },
    "config.bad_toml": {"zh": "{file}：不是有效的 TOML：{error}", "en": "{file}: not valid TOML: {error}"},
    # ------------------------------------------------------------------------- finding and reading files (geo.load)
    "load.no_project": {"zh": "找不到项目文件夹：{folder}", "en": "project folder not found: {folder}"},
    "load.unsupported_xls": {
        "zh": "旧版 Excel（.xls）不能直接读取：请在 Excel 或 WPS 中另存为 .xlsx",
        "en": "old Excel files (.xls) cannot be read: save it as .xlsx in Excel or WPS",
    },
    "load.unsupported_et": {
        "zh": "WPS 表格（.et）不能直接读取：请在 WPS 中另存为 .xlsx",
        "en": "WPS spreadsheets (.et) cannot be read: save it as .xlsx in WPS",
    },
    "load.unsupported_ods": {
        "zh": "OpenDocument 表格（.ods）不能直接读取：请另存为 .xlsx 或 CSV",
        "en": "OpenDocument spreadsheets (.ods) cannot be read: save it as .xlsx or CSV",
    },
    "load.unsupported_numbers": {
        "zh": "Numbers 表格不能直接读取：请导出为 .xlsx 或 CSV",
        "en": "Numbers spreadsheets cannot be read: export it as .xlsx or CSV",
    },
    "load.unsupported_txt": {
        "zh": "文本文件（.txt）不能直接读取：如是逗号或制表符分隔的表格，请把扩展名改为 .csv",
        "en": "text files (.txt) cannot be read: if it is a table separated by commas or tabs, rename it to .csv",
    },
    "load.unsupported_kmz": {
        "zh": "KMZ 不能直接读取：请解压得到 .kml（KMZ 是 ZIP 压缩包），或在 GIS 软件中导出为 GeoJSON",
        "en": "KMZ cannot be read: unzip it to get the .kml (a KMZ is a ZIP archive), "
        "or export GeoJSON from GIS software",
    },
    "load.unsupported_cad": {
        "zh": "CAD 图纸（{suffix}）不能直接读取：请在 GIS 软件中转换为 GeoJSON 或 Shapefile，并给要素加上属性",
        "en": "CAD drawings ({suffix}) cannot be read: convert it to GeoJSON or Shapefile in GIS software, "
        "and give the features their attributes",
    },
    "load.unsupported_dbf": {
        "zh": "只有 .dbf（属性表）而没有 .shp：请把同名的 .shp、.shx、.dbf、.prj 一起复制进来",
        "en": "there is a .dbf (the attribute table) but no .shp: copy in the .shp, .shx, .dbf and .prj of this name "
        "together",
    },
    "load.configured_file_missing": {
        "zh": "geo.toml [files] {layer} = '{name}'，但 {path} 不存在",
        "en": "geo.toml [files] {layer} = '{name}', but {path} does not exist",
    },
    "load.several_files": {
        "zh": "{folder}：图层“{layer}”有多个文件（{names}）；请只保留一个，或在 geo.toml 的 [files] 中指定",
        "en": "{folder}: the layer “{layer}” has several files ({names}); "
        "keep only one, or name it in geo.toml [files]",
    },
    "load.column_clash": {
        "zh": "“{column}”列与“{first}”列都表示 {canonical}，使用了“{first}”",
        "en": "the columns “{column}” and “{first}” both mean {canonical}; “{first}” was used",
    },
    "load.column_shadowed": {
        "zh": "geo.toml 指定“{header}”列作 {canonical}，同名的“{column}”列未使用",
        "en": "geo.toml names the column “{header}” as {canonical}; the column “{column}” was not used",
    },
    "load.column_clash_fix": {"zh": "删除或改名多余的列", "en": "delete or rename the extra column"},
    "load.control_chars": {
        "zh": "含有不可见的控制字符（{codes}），已删除",
        "en": "held invisible control characters ({codes}), now removed",
    },
    "load.control_chars_fix": {"zh": "在原文件中删去这些字符", "en": "delete these characters in the original file"},
    "load.gcj02_outside_china": {
        "zh": "声明为 GCJ-02，但数据位于中国境外，那里没有 GCJ-02 偏移",
        "en": "declared as GCJ-02, but the data lie outside China, where there is no GCJ-02 offset",
    },
    "load.gcj02_outside_china_fix": {
        "zh": "从 geo.toml [crs] 中删去 GCJ-02 声明（数据多半是 WGS84）",
        "en": "remove the GCJ-02 declaration from geo.toml [crs] (the data are most likely WGS84)",
    },
    "load.crs_overridden": {
        "zh": "geo.toml 声明的坐标系与文件自带的（{crs}）不同，按 geo.toml 的读取",
        "en": "the CRS declared in geo.toml differs from the file's own ({crs}); read as geo.toml says",
    },
    "load.crs_unknown": {
        "zh": "geo.toml [crs] 中的坐标系无法识别：{error}",
        "en": "the CRS in geo.toml [crs] is not recognised: {error}",
    },
    "load.crs_unknown_fix": {
        "zh": "使用 EPSG 代码，如“EPSG:4490”“EPSG:4547”，或“GCJ-02”",
        "en": "use an EPSG code such as “EPSG:4490” or “EPSG:4547”, or “GCJ-02”",
    },
    "load.no_crs": {
        "zh": "文件没有坐标系（缺少 .prj 文件？）",
        "en": "the file has no CRS (is its .prj file missing?)",
    },
    "load.no_crs_fix": {
        "zh": '在 geo.toml 中声明，例如 [crs] {layer} = "EPSG:4490"',
        "en": 'declare it in geo.toml, e.g. [crs] {layer} = "EPSG:4490"',
    },
    "load.no_crs_frame": {
        "zh": "GeoDataFrame 没有坐标系（crs 为空）",
        "en": "the GeoDataFrame has no CRS (its crs is None)",
    },
    "load.no_crs_frame_fix": {
        "zh": "先设定坐标系，例如 frame.set_crs(4490)，或在 Config 的 crs 中声明",
        "en": "set it first, e.g. frame.set_crs(4490), or declare it in the Config's crs",
    },
    "load.lonlat_swapped": {
        "zh": "经度与纬度似乎颠倒了（纬度超出 ±90°）",
        "en": "longitude and latitude seem swapped (latitude beyond ±90°)",
    },
    "load.lonlat_order_fix": {"zh": "经度（x）在前，纬度（y）在后", "en": "longitude (x) first, latitude (y) second"},
    "load.not_degrees": {
        "zh": "坐标不是经纬度（投影坐标被当成了度，或坐标系有误）",
        "en": "the coordinates are not longitude and latitude (projected coordinates read as degrees, or a wrong CRS)",
    },
    "load.not_degrees_fix": {
        "zh": "在 geo.toml [crs] 中声明实际坐标系，例如 EPSG:4547{hint}",
        "en": "declare the real CRS in geo.toml [crs], e.g. EPSG:4547{hint}",
    },
    "load.gauss_kruger_zone": {
        "zh": "；东坐标 {easting:.0f} 带有高斯-克吕格带号 {zone}："
        "请使用该带号的“CGCS2000 / 3-degree Gauss-Kruger zone N”坐标系",
        "en": "; the easting {easting:.0f} carries the Gauss-Kruger zone number {zone}: use that zone's "
        "“CGCS2000 / 3-degree Gauss-Kruger zone N” CRS",
    },
    "load.stray_lonlat": {"zh": "{lon} {x:g}，{lat} {y:g}", "en": "{lon} {x:g}, {lat} {y:g}"},
    "load.stray_vertex": {"zh": "第一个顶点 x {x:.10g}，y {y:.10g}", "en": "first vertex x {x:.10g}, y {y:.10g}"},
    "load.stray_swapped": {
        "zh": "经度与纬度似乎颠倒了，该要素未使用",
        "en": "longitude and latitude seem swapped; feature not used",
    },
    "load.stray_out_of_range": {
        "zh": "坐标超出经纬度范围，该要素未使用",
        "en": "coordinates beyond the range of longitude and latitude; feature not used",
    },
    "load.stray_out_of_range_fix": {
        "zh": "在 GIS 软件中检查该要素的坐标",
        "en": "check the feature's coordinates in GIS software",
    },
    "load.table_needs_lonlat": {
        "zh": "问题点表格需要经度、纬度两列",
        "en": "an issues table needs longitude and latitude columns",
    },
    "load.table_needs_lonlat_fix": {"zh": "加上“经度”“纬度”两列（或 lon、lat）", "en": "add the columns lon and lat"},
    "load.not_a_number": {"zh": "不是数字，该行未使用", "en": "not a number; row not used"},
    "load.not_a_number_fix": {"zh": "填写十进制度数，如 {example}", "en": "write decimal degrees, e.g. {example}"},
    "load.missing_layer": {"zh": "缺少必需的图层“{layer}”", "en": "the required layer “{layer}” is missing"},
    "load.missing_layer_fix": {
        "zh": "加入 {layer}{kinds}（见 layers/README.md），或在 geo.toml [files] 中指定文件",
        "en": "add {layer}{kinds} (see layers/README.md), or name the file in geo.toml [files]",
    },
    "load.unknown_frames": {
        "zh": "不认识的图层名 {names}；可用的有 {layers}",
        "en": "unknown layer names {names}; the layers are {layers}",
    },
    "load.missing_frame_fix": {
        "zh": "传入 {layer}=…（GeoDataFrame 或 DataFrame）",
        "en": "pass {layer}=… (a GeoDataFrame or DataFrame)",
    },
    "load.frame_not_spatial_fix": {
        "zh": "传入带几何列和坐标系的 GeoDataFrame",
        "en": "pass a GeoDataFrame with a geometry column and a CRS",
    },
    "load.table_not_spatial": {
        "zh": "“{layer}”需要几何图形，表格无法提供",
        "en": "“{layer}” needs geometries, which a table cannot hold",
    },
    "load.table_not_spatial_fix": {
        "zh": "请从 GIS 软件导出为 GeoJSON、GeoPackage 或 Shapefile",
        "en": "export it from GIS software as GeoJSON, GeoPackage or Shapefile",
    },
    "load.id_from_name": {"zh": "没有编号列：以名称作编号", "en": "no id column: the name serves as the id"},
    "load.id_from_name_fix": {
        "zh": "名称须各不相同；如有编号列，在 geo.toml [columns] 中写明",
        "en": "the names must then all differ; if there is an id column, name it in geo.toml [columns]",
    },
    "load.layers_option_unused": {
        "zh": "geo.toml [layers] {layer} 只用于 GeoPackage、.gdb、KML 和 XLSX，此处不起作用",
        "en": "geo.toml [layers] {layer} applies only to GeoPackage, .gdb, KML and XLSX; it has no effect here",
    },
    "load.configured_header_missing": {
        "zh": "geo.toml [columns.{layer}] {column} 指定的表头在文件中不存在",
        "en": "the header that geo.toml [columns.{layer}] {column} names is not in the file",
    },
    "load.configured_header_missing_fix": {"zh": "检查表头的写法", "en": "check how the header is spelt"},
    "load.no_rows": {"zh": "文件没有数据行", "en": "the file has no data rows"},
    "load.no_rows_fix": {"zh": "在表头行下面填写数据", "en": "fill in the data below the header row"},
    "load.centre": {"zh": "中心约 {x:.4f}, {y:.4f}", "en": "centre about {x:.4f}, {y:.4f}"},
    "load.no_overlap": {
        "zh": "与 {other}（中心约 {x:.4f}, {y:.4f}）不重叠：其中一个的坐标系有误，或经纬度颠倒",
        "en": "does not overlap {other} (centre about {x:.4f}, {y:.4f}): one of them has a wrong CRS, "
        "or longitude and latitude swapped",
    },
    "load.no_overlap_fix": {
        "zh": "检查两个文件的坐标系（geo.toml [crs]）和经纬度顺序",
        "en": "check both files' CRS (geo.toml [crs]) and the order of longitude and latitude",
    },
    # ------------------------------------------------------------------------- file formats (geo._readers)
    "read.not_text": {
        "zh": "文本既不是 UTF-8，也不是 GBK/GB18030 或 Big5（第 {offset} 字节）；请在 Excel 中另存为“CSV UTF-8”",
        "en": "the text is neither UTF-8 nor GBK/GB18030 nor Big5 (byte {offset}); save it from Excel as “CSV UTF-8”",
    },
    "read.too_deep": {
        "zh": "括号嵌套过深（上千层），不是可读的数据",
        "en": "brackets nested thousands deep: not data that can be read",
    },
    "read.cell_too_long": {
        "zh": "有单元格超过 {limit:,} 个字符，无法读取（{error}）：请检查引号是否配对",
        "en": "a cell is longer than {limit:,} characters and cannot be read ({error}): check that its quotes pair up",
    },
    "read.too_big": {
        "zh": "文件有 {size_mb:,.0f} MB，超过上限 {limit_mb:,.0f} MB：请只保留本辖区的数据",
        "en": "the file is {size_mb:,.0f} MB, over the limit of {limit_mb:,.0f} MB: keep only the district's data",
    },
    "read.xlsx_too_big": {
        "zh": "工作表解压后有 {size_mb:,.0f} MB，超过上限 {limit_mb:,.0f} MB：请删去多余的行列，或另存为 CSV",
        "en": "a worksheet unpacks to {size_mb:,.0f} MB, over the limit of {limit_mb:,.0f} MB: "
        "delete the extra rows and columns, or save it as CSV",
    },
    "read.xlsx_too_many_rows": {
        "zh": "工作表超过 {limit:,} 行：请删去多余的行",
        "en": "the worksheet has more than {limit:,} rows: delete the extra rows",
    },
    "read.blank_header": {
        "zh": "{cell} 单元格没有表头（与“{before}”合并的单元格？），其下一列未读入（值如 {values}）",
        "en": "cell {cell} has no header (merged with “{before}”?); the column under it was not read "
        "(values such as {values})",
    },
    "read.blank_header_first": {
        "zh": "{cell} 单元格没有表头{before:omit}，其下一列未读入（值如 {values}）",
        "en": "cell {cell} has no header{before:omit}; the column under it was not read (values such as {values})",
    },
    "read.blank_header_fix": {
        "zh": "取消表头的合并单元格，为该列写上表头（如“职务”）",
        "en": "unmerge the header cells and give the column its own header (such as “title”)",
    },
    "read.as_gbk": {"zh": "按 GBK（GB18030）编码读取", "en": "read as GBK (GB18030)"},
    "read.as_big5": {"zh": "按 Big5 编码读取", "en": "read as Big5"},
    "read.as_big5hkscs": {"zh": "按 Big5-HKSCS（香港增补字符集）编码读取", "en": "read as Big5-HKSCS"},
    "read.bad_xlsx": {
        "zh": "不是可读的 .xlsx 文件（{error}）；请用 Excel 打开后重新保存",
        "en": "not a readable .xlsx file ({error}); open it in Excel and save it again",
    },
    "read.no_such_sheet": {
        "zh": "没有名为“{sheet}”的工作表（现有：{names}）；请修改 geo.toml [layers] 中的名称",
        "en": "no sheet named “{sheet}” (there are: {names}); correct the name in geo.toml [layers]",
    },
    "read.sheet_chosen": {
        "zh": "第一个工作表“{first}”没有表头，读取了工作表“{sheet}”",
        "en": "the first sheet “{first}” has no header row; read the sheet “{sheet}”",
    },
    "read.empty": {"zh": "文件是空的；请加上表头行和数据行", "en": "the file is empty; add a header row and data rows"},
    "read.title_rows": {
        "zh": "表头在第 {row} 行，其上 {count} 行作为标题跳过",
        "en": "the header is on row {row}; the rows above it ({count}) were skipped as a title",
    },
    "read.repeated_header": {
        "zh": "表头“{name}”出现了 {count} 次，只用第一列",
        "en": "the header “{name}” appears {count} times; only the first such column is used",
    },
    "read.no_such_layer": {
        "zh": "没有名为“{layer}”的图层（现有：{names}）；请修改 geo.toml [layers] 中的名称",
        "en": "no layer named “{layer}” (there are: {names}); correct the name in geo.toml [layers]",
    },
    "read.several_layers": {
        "zh": '含有多个图层（{names}）；请在 geo.toml 中指定一个，例如 [layers] {base} = "{first}"',
        "en": 'holds several layers ({names}); name one in geo.toml, e.g. [layers] {base} = "{first}"',
    },
    "read.shapefile_part": {
        "zh": "缺少{what} {name}。Shapefile 由同名的 .shp、.shx、.dbf（以及 .prj、.cpg）几个文件组成，"
        "请把它们一起复制到项目文件夹",
        "en": "the {what} {name} is missing. A Shapefile is several files of one name (.shp, .shx, .dbf, and "
        ".prj, .cpg): copy them into the project folder together",
    },
    "read.shx": {"zh": "索引文件", "en": "index file"},
    "read.dbf": {"zh": "属性表文件", "en": "attribute table"},
    "read.cpg_wrong": {
        "zh": "{cpg} 写的编码是“{said}”，但属性文本不是这种编码：按 {label} 读取",
        "en": "{cpg} gives the encoding “{said}”, but the attributes are not in it: read as {label}",
    },
    "read.no_cpg_not_utf8": {
        "zh": "没有 .cpg 文件，且文本不是 UTF-8：按 {label} 读取",
        "en": "no .cpg file, and the text is not UTF-8: read as {label}",
    },
    "read.dbf_code_page_936": {
        "zh": "没有 .cpg 文件，.dbf 标明代码页 936：按 GBK 读取",
        "en": "no .cpg file, and the .dbf names code page 936: read as GBK",
    },
    "read.not_osm": {
        "zh": "无法作为 OpenStreetMap 文件读取（{error}）；请重新下载或导出",
        "en": "cannot be read as an OpenStreetMap file ({error}); download or export it again",
    },
    "read.osm": {
        "zh": "OpenStreetMap 数据：读取 lines 图层中 highway 为道路的线{skipped}；"
        "地图须注明“© OpenStreetMap contributors”（ODbL），geo 已在每张地图上注明",
        "en": "OpenStreetMap data: read the lines layer's ways whose highway tag is a road{skipped}; "
        "maps must credit “© OpenStreetMap contributors” (ODbL), as geo does on every map",
    },
    "read.osm_skipped": {
        "zh": "；未读取人行道、小径等 {count} 条（{tags}）",
        "en": "; left out {count} footways, paths and the like ({tags})",
    },
    "read.osm_roads_only": {
        "zh": "OpenStreetMap 数据只能用作道路图层（roads）；{layer} 请使用 GeoJSON、GeoPackage 或 Shapefile",
        "en": "OpenStreetMap data can serve only as the roads layer; for {layer} use GeoJSON, GeoPackage or Shapefile",
    },
    "read.name_lists": {
        "zh": "{count} 个要素的“{column}”是多个名称的列表，已取第一个",
        "en": "“{column}” holds a list of names in {count} features; the first name was taken",
    },
    "read.cannot_read": {
        "zh": "无法作为 {kind} 文件读取（{error}）；请在 QGIS 中打开检查，或重新导出",
        "en": "cannot be read as a {kind} file ({error}); open it in QGIS to check it, or export it again",
    },
    "read.z_dropped": {
        "zh": "已去掉 {count} 个要素的 Z 坐标（高程）",
        "en": "dropped the Z coordinate (elevation) of {count} features",
    },
    # ------------------------------------------------------------------------- values and rows (geo.validate)
    "date.no_such_day": {
        "zh": "日期不存在（{year} 年 {month} 月没有 {day} 日）",
        "en": "no such date (month {month} of {year} has no day {day})",
    },
    "date.no_such_month": {"zh": "日期不存在（没有 {month} 月）", "en": "no such date (there is no month {month})"},
    "date.no_such_date": {"zh": "日期不存在", "en": "no such date"},
    "date.not_a_date": {"zh": "不是日期", "en": "not a date"},
    "date.fix": {
        "zh": "日期写作 2022-05-14、2022/5/14 或 2022年5月14日",
        "en": "write dates as 2022-05-14 or 2022/5/14",
    },
    "validate.missing_column": {"zh": "缺少必需的列“{column}”", "en": "the required column “{column}” is missing"},
    "validate.headers_encoding": {
        "zh": "文件按 {encoding} 编码读取，表头为 {headers}；如表头是乱码，文件可能是 {others} 编码：请用 Excel "
        "另存为“CSV UTF-8”",
        "en": "the file was read as {encoding}, its headers being {headers}; if they look garbled, the file may be "
        "{others}: save it from Excel as “CSV UTF-8”",
    },
    "validate.missing_column_fix": {
        "zh": "加一列，表头写 {headers}{column:omit}；或在 geo.toml [columns.{layer}] 中对应你的表头",
        "en": "add a column headed “{column}”{headers:omit}; "
        "or map your own header to it in geo.toml [columns.{layer}]",
    },
    "validate.blank": {"zh": "未填写", "en": "empty"},
    "validate.unknown_value": {"zh": "不是可识别的值", "en": "not a value geo knows"},
    "validate.one_of": {"zh": "请填写以下之一：{choices}", "en": "use one of: {choices}"},
    "validate.choice": {"zh": "{spelling}（{value}）", "en": "{value}{spelling:omit}"},
    "validate.duplicate_id": {"zh": "编号重复", "en": "duplicate id"},
    "validate.duplicate_id_fix_row": {
        "zh": "每行使用不同的编号（第 {first} 行已用此编号）",
        "en": "give each row its own id (row {first} already has this one)",
    },
    "validate.duplicate_id_fix_feature": {
        "zh": "每行使用不同的编号（第 {first} 个要素已用此编号）",
        "en": "give each feature its own id (feature {first} already has this one)",
    },
    "validate.fill_in": {"zh": "请填写“{column}”", "en": "fill in “{column}”"},
    "validate.same_piece_row": {
        "zh": "与第 {first} 行完全重复（同名同线），未使用",
        "en": "the same as row {first} (same name, same line); not used",
    },
    "validate.same_piece_feature": {
        "zh": "与第 {first} 个要素完全重复（同名同线），未使用",
        "en": "the same as feature {first} (same name, same line); not used",
    },
    "validate.same_piece_fix": {"zh": "删除重复的要素", "en": "delete the repeated feature"},
    "validate.no_lonlat": {"zh": "没有经纬度，该行未使用", "en": "no longitude and latitude; row not used"},
    "validate.no_lonlat_fix": {
        "zh": "填写经度、纬度，或删除该行",
        "en": "fill in the longitude and latitude, or delete the row",
    },
    "validate.no_geometry": {"zh": "没有几何图形，该行未使用", "en": "no geometry; not used"},
    "validate.no_geometry_fix": {"zh": "补画该要素，或删除该行", "en": "draw the feature, or delete it"},
    "validate.not_finite": {
        "zh": "坐标中有缺失值（NaN）或无穷大，只有这个要素未使用",
        "en": "a coordinate is missing (NaN) or infinite; only this feature is not used",
    },
    "validate.not_finite_fix": {
        "zh": "在 GIS 软件中检查或重画该要素",
        "en": "check or redraw the feature in GIS software",
    },
    "validate.vertices": {"zh": "{count:,} 个顶点", "en": "{count:,} vertices"},
    "validate.many_vertices": {
        "zh": "顶点极多（超过 {limit:,} 个）：分析照常使用全部顶点，地图中简化显示",
        "en": "a great many vertices (over {limit:,}): the analysis uses them all, the maps draw it simplified",
    },
    "validate.many_vertices_fix": {
        "zh": "如是误操作（如轨迹或重复数字化），请在 GIS 软件中简化该要素",
        "en": "if it is a mistake (a GPS track, a line digitised twice), simplify the feature in GIS software",
    },
    "validate.repaired": {"zh": "几何图形无效，已自动修复", "en": "invalid geometry, repaired"},
    "validate.repaired_fix": {"zh": "请在 QGIS 中检查该要素", "en": "check the feature in QGIS"},
    "validate.reason_at": {"zh": "{reason}（{at} 处）", "en": "{reason} (at {at})"},
    "geos.too_few_points": {"zh": "顶点过少", "en": "too few points"},
    "geos.self_intersection": {"zh": "自相交", "en": "self-intersection"},
    "geos.ring_self_intersection": {"zh": "环自相交", "en": "ring self-intersection"},
    "geos.interior_disconnected": {"zh": "内部不连通", "en": "interior is disconnected"},
    "geos.hole_outside_shell": {"zh": "洞在外环之外", "en": "hole lies outside the shell"},
    "geos.nested_shells": {"zh": "外环嵌套", "en": "nested shells"},
    "geos.nested_holes": {"zh": "洞嵌套", "en": "nested holes"},
    "geos.duplicate_rings": {"zh": "重复的环", "en": "duplicate rings"},
    "geos.invalid_coordinate": {"zh": "坐标无效", "en": "invalid coordinate"},
    "geos.ring_not_closed": {"zh": "环未闭合", "en": "ring is not closed"},
    "validate.degenerate": {
        "zh": "几何图形退化（{what}为零，如只有重复的顶点），未使用",
        "en": "degenerate geometry (zero {what}, e.g. only repeated vertices); not used",
    },
    "validate.length": {"zh": "长度", "en": "length"},
    "validate.area": {"zh": "面积", "en": "area"},
    "validate.degenerate_fix": {
        "zh": "在 GIS 软件中删除或重画该要素",
        "en": "delete or redraw the feature in GIS software",
    },
    "validate.collection_parts": {
        "zh": "几何集合中只用了 {types} 部分",
        "en": "only the {types} parts of the geometry collection were used",
    },
    "validate.collection_parts_fix": {
        "zh": "请按正确的几何类型导出该要素",
        "en": "export the feature with the right geometry type",
    },
    "validate.points": {"zh": "{count} 个点", "en": "{count} points"},
    "validate.multipoint": {
        "zh": "多点要素：只用了第一个点",
        "en": "a multi-point feature: only its first point was used",
    },
    "validate.multipoint_fix": {"zh": "每个问题点一个点", "en": "one point per issue"},
    "validate.wrong_type": {
        "zh": "几何类型错误，应为 {types}，该要素未使用",
        "en": "wrong geometry type, should be {types}; feature not used",
    },
    "validate.wrong_type_fix": {
        "zh": "请按正确的几何类型导出该图层",
        "en": "export the layer with the right geometry type",
    },
    "validate.matched_loosely": {
        "zh": "与数据中的“{spelling}”写法不同（空格或数字前的 0），按“{spelling}”匹配",
        "en": "spelt otherwise than “{spelling}” in the data (spaces or leading zeros); matched to “{spelling}”",
    },
    "validate.matched_loosely_fix": {
        "zh": "统一两个文件中的写法（电子表格会去掉编号前的 0：把该列设为文本）",
        "en": "spell it alike in both files (a spreadsheet drops an id's leading zeros: format the column as text)",
    },
    "validate.did_you_mean": {"zh": "是否应为 {names}？", "en": "did you mean {names}?"},
    "validate.check_spelling": {"zh": "请检查拼写", "en": "check the spelling"},
    "validate.roads_unnamed": {
        "zh": "没有道路名称列：全部作为无名路段（只参加无人管路段检查）",
        "en": "no road name column: every piece is an unnamed road (checked for unmanaged stretches only)",
    },
    "validate.roads_unnamed_fix": {
        "zh": '如有名称列，在 geo.toml [columns.roads] 中写明，例如 name = "路名"',
        "en": 'if there is a name column, name it in geo.toml [columns.roads], e.g. name = "STREET"',
    },
    "validate.one_road": {
        "zh": "{spellings} 视为同一条道路，统一写作“{spelling}”",
        "en": "{spellings} are taken as one road, spelt “{spelling}”",
    },
    "validate.ambiguous_community": {"zh": "多个社区同名", "en": "several communities have this name"},
    "validate.ambiguous_road": {"zh": "多个道路同名", "en": "several roads have this name"},
    "validate.use_community_id": {"zh": "请改用社区编号（{ids}）", "en": "use the community's id instead ({ids})"},
    "validate.use_road_id": {"zh": "请改用道路编号（{ids}）", "en": "use the road's id instead ({ids})"},
    "validate.community_unusable": {
        "zh": "所指社区无法使用（{why}）",
        "en": "the community it names cannot be used ({why})",
    },
    "validate.community_left_out": {
        "zh": "所指社区已被剔除（{why}）",
        "en": "the community it names was left out ({why})",
    },
    "validate.road_unusable": {"zh": "所指道路无法使用（{why}）", "en": "the road it names cannot be used ({why})"},
    "validate.road_left_out": {"zh": "所指道路已被剔除（{why}）", "en": "the road it names was left out ({why})"},
    "validate.community_first_fix": {
        "zh": "修正那一行社区数据；在此之前本条{what}不使用",
        "en": "correct that community's row; until then this {what} is not used",
    },
    "validate.road_first_fix": {
        "zh": "修正那条道路的数据；在此之前本条{what}不使用",
        "en": "correct that road's data; until then this {what} is not used",
    },
    "validate.an_assignment": {"zh": "包保责任", "en": "assignment"},
    "validate.a_status_item": {"zh": "整改事项", "en": "status item"},
    "validate.issues_all_open": {
        "zh": "没有状态列：{count} 个问题点全部按未整改计",
        "en": "no state column: all {count} issues count as open",
    },
    "validate.characters": {"zh": "{count:,} 个字符", "en": "{count:,} characters"},
    "validate.long_text": {
        "zh": "文字过长：地图中只显示前 {limit:,} 个字符（报表中完整保留）",
        "en": "too long: the maps show its first {limit:,} characters (the reports keep it whole)",
    },
    "validate.long_text_fix": {
        "zh": "把长文字放在附件中，此处只写摘要",
        "en": "keep the long text in an attachment and write a summary here",
    },
    "validate.a_tier_row": {"zh": "类别名单", "en": "tier list row"},
    "validate.names_from_ids": {
        "zh": "没有名称列：以编号作社区名称",
        "en": "no name column: each community is named by its id",
    },
    "validate.names_from_ids_fix": {
        "zh": "如有名称列，在 geo.toml [columns.communities] name 中写明",
        "en": "if there is a name column, name it in geo.toml [columns.communities] name",
    },
    "validate.name_from_id": {"zh": "没有名称：以编号“{id}”作名称", "en": "no name: named by its id “{id}”"},
    "validate.id_stand_in": {"zh": "没有编号：以“{key}”代替", "en": "no id: “{key}” stands in for it"},
    "validate.no_id_no_name": {
        "zh": "既没有编号也没有名称：以“{key}”代替",
        "en": "neither an id nor a name: “{key}” stands in for both",
    },
    "validate.no_id_fix": {
        "zh": "在 GIS 软件中为该要素填写编号和名称",
        "en": "fill in the feature's id and name in GIS software",
    },
    "validate.no_tiers": {
        "zh": "没有社区类别（既无“类别”列，也无 tiers 类别名单）：{count} 个社区全部按一般社区计",
        "en": "no community tiers (no tier column, no tiers list): all {count} communities count as general",
    },
    "validate.tiers_blank": {
        "zh": "{count} 个社区未填写类别，按一般社区计",
        "en": "{count} communities have no tier and count as general",
    },
    "validate.no_tiers_fix": {
        "zh": "在项目文件夹中加一个 tiers 表（列：社区、类别），列出示范社区和重点社区",
        "en": "add a tiers table to the project folder (columns community, tier) listing the demonstration "
        "and key communities",
    },
    "validate.tier_from_table": {
        "zh": "与 {file} 不同，按 {file} 的“{tier}”计",
        "en": "differs from {file}; counted as {file} says: {tier}",
    },
    "validate.tier_repeated": {
        "zh": "同一社区已在第 {first} 行列出，类别相同",
        "en": "the same community is listed on row {first} already, with the same tier",
    },
    "validate.tier_conflict": {
        "zh": "同一社区已在第 {first} 行列出，类别不同",
        "en": "the same community is listed on row {first} already, with another tier",
    },
    "validate.tier_conflict_fix": {
        "zh": "每个社区只列一次，保留正确的类别",
        "en": "list each community once, with its right tier",
    },
    "validate.no_such_community": {"zh": "社区图层中没有这个编号或名称", "en": "no community has this id or name"},
    "validate.no_such_road": {"zh": "道路图层中没有这个道路名称", "en": "no road in the roads layer has this name"},
    "validate.leader_blank_fix": {
        "zh": "填写责任人的编号或姓名（合并单元格请逐行填写）",
        "en": "fill in the leader's id or name (for merged cells, fill in every row)",
    },
    "validate.ambiguous_leader": {"zh": "多个责任人同名", "en": "several leaders have this name"},
    "validate.use_leader_id": {"zh": "请改用编号（{ids}）", "en": "use the id instead ({ids})"},
    "validate.leaders_unusable": {"zh": "责任人名单不可用（{why}）", "en": "the leaders list cannot be used ({why})"},
    "validate.leaders_unusable_fix": {
        "zh": "先修正责任人名单；在此之前本条包保责任不使用",
        "en": "correct the leaders list first; until then this assignment is not used",
    },
    "validate.no_such_leader": {"zh": "责任人名单中没有这个编号或姓名", "en": "no leader has this id or name"},
    "validate.section_needs_ends": {"zh": "路段需要起点和止点", "en": "a section needs a start and an end"},
    "validate.section_needs_ends_fix": {
        "zh": "填写与该路相交的道路名称，或距道路起点的米数",
        "en": "write the name of a road that crosses it, or the metres from the road's start",
    },
    "validate.whole_road_ends": {
        "zh": "整条道路的包保不使用起点、止点",
        "en": "a whole-road assignment does not use a start and an end",
    },
    "validate.whole_road_ends_fix": {
        "zh": "若只包一段，请把类型写成“路段”",
        "en": "for one stretch only, set the kind to “section”",
    },
    "validate.repeated_assignment": {
        "zh": "与前面的一条包保责任重复，未使用",
        "en": "repeats an earlier assignment; not used",
    },
    "validate.repeated_row_fix": {"zh": "删除重复的行", "en": "delete the repeated row"},
    "validate.bad_progress": {"zh": "进度应为 0 到 100 的数字", "en": "progress should be a number from 0 to 100"},
    "validate.bad_progress_fix": {"zh": "例如 80 表示 80%", "en": "e.g. 80 for 80%"},
    "validate.no_layer": {"zh": "没有 {layer} 图层", "en": "there is no {layer} layer"},
    "validate.no_data": {"zh": "{file} 没有数据", "en": "{file} has no data"},
    "validate.file_has_errors": {
        "zh": "{file} 无法使用，见该文件的错误",
        "en": "{file} cannot be used: see that file's errors",
    },
    "validate.no_road_names": {"zh": "{file} 没有道路名称列", "en": "{file} has no road name column"},
    "validate.unusable": {"zh": "{file} 无法使用", "en": "{file} cannot be used"},
    "validate.no_leaders_layer": {"zh": "leaders 图层不可用", "en": "the leaders layer is not available"},
    "validate.outside": {"zh": "{where}，在辖区之外", "en": "{where}, outside the district"},
    "validate.no_roads": {
        "zh": "没有道路（无道路图层，或图层为空）：跳过道路与路段的检查，只检查社区与问题点",
        "en": "no roads (no roads layer, or it is empty): road and section checks skipped; "
        "only communities and issues are checked",
    },
    "validate.no_roads_fix": {
        "zh": "要检查道路，请加入 roads.geojson / .gpkg / .shp 或 OSM 数据（roads.osm.pbf）",
        "en": "to check roads, add roads.geojson / .gpkg / .shp or OSM data (roads.osm.pbf)",
    },
    # ------------------------------------------------------------------------- the district (geo.scope)
    "scope.outside_fix": {
        "zh": "如这些数据属于本辖区，请检查边界图层（boundary）或该图层的坐标系",
        "en": "if these data are the district's, check the boundary layer or this layer's CRS",
    },
    "scope.mostly_outside": {
        "zh": "{what}的 {share:.0%} 位于辖区之外，未计入任何数字",
        "en": "{what}: {share:.0%} lies outside the district, in no figure",
    },
    "scope.mostly_outside_fix": {
        "zh": "确认文件是否是本辖区的；若不是，请换用本辖区的数据，或检查 boundary 图层与坐标系",
        "en": "check that the file is this district's; if not, use the district's own data, "
        "or check the boundary layer and the CRS",
    },
    "scope.communities": {"zh": "社区", "en": "Communities"},
    "scope.road_length": {"zh": "道路长度", "en": "Road length"},
    "scope.issues": {"zh": "问题点", "en": "Issues"},
    "scope.community_outside": {
        "zh": "社区大部分（一半以上面积）位于辖区边界之外，未计入",
        "en": "most of the community (over half its area) lies outside the district boundary; not counted",
    },
    "scope.road_outside": {"zh": "道路要素位于辖区之外，未计入", "en": "road piece outside the district; not counted"},
    "scope.issue_outside": {"zh": "问题点位于辖区之外，未计入", "en": "issue outside the district; not counted"},
    "scope.undeclared_gcj02": {
        "zh": "边界与社区整体错开约 {offset:.0f} 米，像是 GCJ-02（高德、DataV 等）坐标而没有声明",
        "en": "the boundary and the communities are {offset:.0f} m apart as a whole, as if one were in GCJ-02 "
        "(AMap, DataV …) without saying so",
    },
    "scope.undeclared_gcj02_fix": {
        "zh": '如是，在 geo.toml 中写 [crs] {layer} = "GCJ-02"（工具会换算为 WGS84）',
        "en": 'if so, write [crs] {layer} = "GCJ-02" in geo.toml (geo converts it to WGS84)',
    },
    # ------------------------------------------------------------------------- section ends (geo.resolve)
    "resolve.far_beyond_end": {
        "zh": "{metres:g} 米超出了道路终点（全长 {extent:.0f} 米）一半以上，可能是别的道路，或单位有误",
        "en": "{metres:g} m is past the road's end (length {extent:.0f} m) by over half its length: "
        "another road, or a slip of units?",
    },
    "resolve.beyond_end": {
        "zh": "{metres:g} 米超出了 {road} 的终点（全长 {extent:.1f} 米），已按终点 {extent:.1f} 米计",
        "en": "{metres:g} m is past the end of {road} (length {extent:.1f} m); taken as the end, {extent:.1f} m",
    },
    "resolve.not_a_place": {
        "zh": "既不是米数，也不是道路图层中的道路",
        "en": "neither metres nor a road in the roads layer",
    },
    "resolve.road_itself": {"zh": "道路不能以自身为起止点", "en": "a road cannot start or end at itself"},
    "resolve.no_crossing": {
        "zh": "{street} 与 {road} 不相交（最近处相距 {distance:.1f} 米）",
        "en": "{street} does not cross {road} (at the closest, {distance:.1f} m apart)",
    },
    "resolve.crosses_once": {
        "zh": "路段的起点和止点是同一处：{street} 只在 {at:.0f} 米处与 {road} 相交一次",
        "en": "the section starts and ends at one place: {street} crosses {road} only once, at {at:.0f} m",
    },
    "resolve.crosses_once_fix": {
        "zh": "起点或止点改填另一条与 {road} 相交的道路，或填写距道路起点的米数",
        "en": "for the start or the end, write another road that crosses {road}, or the metres from the road's start",
    },
    "resolve.crosses_many": {
        "zh": "{street} 与 {road} 相交 {count} 处（{at} 米），路段取第一处至最后一处（{start:.0f}–{end:.0f} 米）",
        "en": "{street} crosses {road} at {count} places ({at} m); the section runs from the first to the last "
        "({start:.0f}–{end:.0f} m)",
    },
    "resolve.crosses_many_fix": {
        "zh": "若只指其中一段，起点或止点改填另一条相交道路或米数",
        "en": "if one stretch only is meant, write another crossing road or metres for the start or the end",
    },
    "resolve.end_not_found": {
        "zh": "在 {road} 上找不到路段端点：{reason}",
        "en": "the section's end cannot be placed on {road}: {reason}",
    },
    "resolve.end_not_found_fix": {
        "zh": "填写与 {road} 相交的道路，或距道路起点的米数",
        "en": "write a road that crosses {road}, or the metres from the road's start",
    },
    "resolve.beyond_end_fix": {
        "zh": "核对米数（不超过 {most:.0f}），或核对道路图层中 {road} 是否画全",
        "en": "check the metres (at most {most:.0f}), or whether {road} is drawn in full in the roads layer",
    },
    "resolve.two_ways": {
        "zh": "{road} 上的这个路段有两种同样长的走法（{start:.0f}–{end:.0f} 米或 "
        "{other_start:.0f}–{other_end:.0f} 米），取了前者",
        "en": "this section of {road} can run two ways of the same length ({start:.0f}–{end:.0f} m or "
        "{other_start:.0f}–{other_end:.0f} m); the first was taken",
    },
    "resolve.two_ways_fix": {
        "zh": "改用更明确的起止道路，或用米数",
        "en": "name clearer start and end roads, or use metres",
    },
    "resolve.zero_length": {
        "zh": "{road} 上的路段长度为零（两端都在 {at:.0f} 米处）",
        "en": "the section on {road} has no length (both ends at {at:.0f} m)",
    },
    "resolve.zero_length_fix": {"zh": "检查起点、止点", "en": "check the start and the end"},
    "resolve.section_partly_outside": {
        "zh": "路段（{road} 的 {start:.0f}–{end:.0f} 米）有 {outside:.0f} 米位于辖区之外，只计辖区内的 {inside:.0f} 米",
        "en": "{outside:.0f} m of the section ({road}, {start:.0f}–{end:.0f} m) lie outside the district; "
        "only the {inside:.0f} m inside count",
    },
    "resolve.section_partly_outside_fix": {
        "zh": "无需修改；如辖区外那段也属于本辖区，请检查边界图层（boundary）",
        "en": "nothing to change; if the part outside is the district's too, check the boundary layer",
    },
    "resolve.section_outside": {
        "zh": "路段整段位于辖区之外（{road} 的 {start:.0f}–{end:.0f} 米，共 {outside:.0f} 米），未计入",
        "en": "the section lies wholly outside the district ({road}, {start:.0f}–{end:.0f} m, {outside:.0f} m); "
        "not counted",
    },
    "resolve.section_outside_fix": {
        "zh": "核对起点、止点是否写错；如这段属于本辖区，请检查边界图层（boundary）或道路图层的坐标系",
        "en": "check the start and the end; if the stretch is the district's, check the boundary layer "
        "or the roads layer's CRS",
    },
    # ------------------------------------------------------------------------- replies from the field (geo.replies)
    "reply.bad_secret": {
        "zh": "项目密钥文件 {file} 已损坏（应为 64 位十六进制数字）",
        "en": "the project's secret {file} is damaged (it should hold 64 hex digits)",
    },
    "reply.bad_secret_fix": {
        "zh": "从备份恢复 {file}；如无备份，删除它并重新生成地图（已发出的地图将无法再回执）",
        "en": "restore {file} from a backup; without one, delete it and build the maps again "
        "(maps already sent can no longer reply)",
    },
    "reply.no_secret": {
        "zh": "项目文件夹中没有密钥（.geo-secret），无法核验回执",
        "en": "the project folder has no secret (.geo-secret): replies cannot be verified",
    },
    "reply.no_secret_fix": {
        "zh": "回执只能导入生成这些地图的项目文件夹；请在该文件夹运行 geo import",
        "en": "import replies into the project folder whose maps sent them; run geo import there",
    },
    "reply.too_large": {
        "zh": "回执过大（{size:,} 字节，上限 {limit:,} 字节）",
        "en": "the reply is too large ({size:,} bytes; the limit is {limit:,})",
    },
    "reply.too_large_fix": {
        "zh": "请对方分几次保存回执（每次少标几项、少附几张照片）",
        "en": "ask the sender to save it in several replies (fewer marks and photos in each)",
    },
    "reply.not_text": {"zh": "文件不是文本，不是回执", "en": "the file is not text: not a reply"},
    "reply.no_object": {"zh": "文件中没有回执内容", "en": "the file holds no reply"},
    "reply.bad_json": {
        "zh": "回执内容不完整或被改动（{detail}）",
        "en": "the reply is incomplete or altered ({detail})",
    },
    "reply.not_reply_fix": {
        "zh": "请对方在地图上重新点“保存回执”或“复制回执”，并完整转发",
        "en": "ask the sender to press “Save reply” or “Copy reply” again on their map and forward it whole",
    },
    "reply.other_project": {
        "zh": "回执来自另一个项目的地图",
        "en": "the reply comes from the maps of another project",
    },
    "reply.other_project_fix": {
        "zh": "在生成这些地图的项目文件夹中导入（--project）",
        "en": "import it into the project folder whose maps sent it (--project)",
    },
    "reply.bad_signature": {
        "zh": "回执签名不符（“{person}”）：回执在保存后被改动，或不是由此人的地图发出",
        "en": "the reply's signature does not match (“{person}”): it was changed after it was saved, "
        "or was not sent by that person's map",
    },
    "reply.bad_signature_fix": {
        "zh": "不要编辑回执文件；请对方从自己的地图重新保存回执",
        "en": "do not edit reply files; ask the sender to save the reply again from their own map",
    },
    "reply.bad_field": {
        "zh": "回执的“{field}”不符合格式（{problem}）",
        "en": "the reply's “{field}” does not fit the format ({problem})",
    },
    "reply.text_too_long": {
        "zh": "回执的“{field}”过长（{size:,} 个字符，上限 {limit:,}）",
        "en": "the reply's “{field}” is too long ({size:,} characters; the limit is {limit:,})",
    },
    "reply.too_many": {
        "zh": "回执的 {what} 过多（{count:,} 项，上限 {limit:,}）",
        "en": "the reply has too many {what} ({count:,}; the limit is {limit:,})",
    },
    "reply.version": {
        "zh": "回执格式版本 {version} 无法识别（本工具认识版本 {known}）",
        "en": "reply format version {version} is not known (this tool knows version {known})",
    },
    "reply.version_fix": {
        "zh": "请升级 geo，或请对方使用本项目最新生成的地图",
        "en": "upgrade geo, or ask the sender to use the project's latest map",
    },
    "reply.not_image": {
        "zh": "回执中的照片 {photo} 不是图片（应为 JPEG、PNG 或 WebP）",
        "en": "photo {photo} of the reply is not an image (JPEG, PNG or WebP)",
    },
    "reply.not_image_fix": {
        "zh": "请对方在地图上重新选择照片后保存回执",
        "en": "ask the sender to choose the photo again on their map and save the reply",
    },
    "reply.photo_too_large": {
        "zh": "回执中的照片 {photo} 过大（{size:,} 字节，上限 {limit:,} 字节）",
        "en": "photo {photo} of the reply is too large ({size:,} bytes; the limit is {limit:,})",
    },
    "reply.photo_too_wide": {
        "zh": "回执中的照片 {photo} 尺寸过大（长边 {size:,} 像素，上限 {limit:,}）",
        "en": "photo {photo} of the reply is too large ({size:,} pixels on its longer side; the limit is {limit:,})",
    },
    "reply.photo_too_large_fix": {
        "zh": "地图会自动压缩照片；请对方用本项目生成的地图重新附照片",
        "en": "the map shrinks photos itself; ask the sender to attach it again from the project's map",
    },
    "reply.unreadable": {"zh": "无法读取：{reason}", "en": "cannot be read: {reason}"},
    "reply.action.done": {"zh": "报完成", "en": "done"},
    "reply.action.doing": {"zh": "报进度", "en": "progress"},
    "reply.action.resolved": {"zh": "报已整改", "en": "resolved"},
    "reply.action.report": {"zh": "上报问题", "en": "new problem"},
    "reply.action.confirm": {"zh": "核实", "en": "confirmed"},
    "reply.action.return": {"zh": "退回", "en": "sent back"},
    "reply.applied": {"zh": "已采用“{who}”的{what}", "en": "applied: {what} from “{who}”"},
    "reply.not_applied": {
        "zh": "未采用“{who}”的{what}：{reason}",
        "en": "not applied: {what} from “{who}”: {reason}",
    },
    "reply.repeated": {
        "zh": "与 {file} 中的同一条重复，只计一次",
        "en": "the same entry as in {file}; counted once",
    },
    "reply.no_such_report": {
        "zh": "所核实的上报（{report}）不是该事项当前的报完成",
        "en": "the report it names ({report}) is not the item's current report of done",
    },
    "reply.not_theirs": {
        "zh": "该事项不归“{who}”负责",
        "en": "the item is not one that “{who}” is responsible for",
    },
    "reply.no_such_group": {
        "zh": "督查组“{who}”已不在督查组名单（inspectors）中",
        "en": "“{who}” is no longer in the inspection groups' table (inspectors)",
    },
    "reply.office_later": {
        "zh": "办公室已于 {updated} 更新该事项，以办公室为准",
        "en": "the office updated the item on {updated}, after the reply: the office's word stands",
    },
    "reply.office_done": {
        "zh": "办公室的表中该事项已完成",
        "en": "the office's table already has it done",
    },
    "reply.no_such_item": {
        "zh": "整改事项“{item}”已不存在",
        "en": "there is no longer a status item “{item}”",
    },
    "reply.no_such_issue": {
        "zh": "问题“{issue}”已不存在",
        "en": "there is no longer an issue “{issue}”",
    },
    "reply.outside": {"zh": "位置在辖区之外", "en": "the point lies outside the district"},
    "reply.import.kept": {
        "zh": "{file}：已收下（{person}，{entries} 条），存为 {path}",
        "en": "{file}: kept ({person}, {entries} entries) as {path}",
    },
    "reply.import.already": {
        "zh": "{file}：此回执已收过（{path}），未重复收下",
        "en": "{file}: this reply was kept before ({path}); not kept twice",
    },
    "reply.import.refused": {"zh": "{file}：未收下：{message}", "en": "{file}: refused: {message}"},
    "reply.import.fix": {"zh": "  修改：{fix}", "en": "  Fix: {fix}"},
    "reply.import.done": {
        "zh": "收下 {kept} 份，已有 {already} 份，拒收 {refused} 份；重新运行 geo build 即可在地图和报表中看到",
        "en": "{kept} kept, {already} already kept, {refused} refused; run geo build again to see them "
        "in the maps and reports",
    },
    # ------------------------------------------------------------------------- a placed section in words
    # `geo.words.section_label` and `how_words` say `Resolved.coverage`'s codes and numbers with these.
    "section.between": {"zh": "{start} 至 {end}", "en": "{start} to {end}"},
    "section.same_street": {
        "zh": "{street}（两处路口，{low:.0f} 米与 {high:.0f} 米）",
        "en": "{street} (two crossings, at {low:.0f} m and {high:.0f} m)",
    },
    "section.how.crossing": {"zh": "路口", "en": "crossing"},
    "section.how.near_crossing": {"zh": "近路口（相距 {off:.1f} 米）", "en": "near a crossing ({off:.1f} m off)"},
    "section.how.metres": {"zh": "米数", "en": "distance"},
    "section.how.whole_road": {"zh": "全路", "en": "whole road"},
    "section.how.two_crossings": {
        "zh": "两处路口（{low:.0f} 米与 {high:.0f} 米）",
        "en": "two crossings ({low:.0f} m and {high:.0f} m)",
    },
    "section.how.ends": {"zh": "{start} / {end}", "en": "{start} / {end}"},
}


@dataclass(frozen=True)
class Msg:
    """A message not yet worded: its catalogue key and its arguments (hashable; equal when both are).

    Build one with `msg`; `text` words it in a language. ``str()`` is the
    ``zh`` text.
    """

    key: str
    args: tuple[tuple[str, Any], ...] = ()

    def text(self, lang: str = "zh") -> str:
        """The message in `lang`: ``zh``, ``en`` or ``zh-Hant`` (our words converted, the arguments as given)."""
        values = {name: render(value, lang) if isinstance(value, Msg | Seq) else value for name, value in self.args}
        return _FORMATTER.format(template(self.key, lang), **values)

    def __str__(self) -> str:
        return self.text("zh")


@dataclass(frozen=True)
class Seq:
    """Several values said as one list: ``甲、乙`` in Chinese, ``甲, 乙`` in English.

    `sep` is the catalogue key of the separator (``sep.list``, ``sep.or`` …);
    with `quoted`, each item is put in quotation marks.
    """

    items: tuple[Any, ...]
    sep: str = "sep.list"
    quoted: bool = False


def msg(key: str, /, **args: Any) -> Msg:
    """A message by its catalogue key, with the template's named fields as keyword arguments.

    Raises
    ------
    KeyError
        The key is not in the catalogue.
    TypeError
        The arguments are not exactly the template's fields (a bug: caught by the tests).
    """
    if key not in CATALOGUE:
        raise KeyError(f"no message {key!r} in geo.messages.CATALOGUE")
    wanted = fields(key)
    if set(args) != wanted:
        raise TypeError(f"message {key!r} takes {sorted(wanted)}, not {sorted(args)}")
    return Msg(key, tuple(sorted(args.items())))


def seq(items: Iterable[Any], sep: str = "sep.list", quoted: bool = False) -> Seq:
    """A `Seq` of `items` (see there)."""
    if sep not in CATALOGUE:
        raise KeyError(f"no separator {sep!r} in geo.messages.CATALOGUE")
    return Seq(tuple(items), sep, quoted)


def render(value: Any, lang: str = "zh") -> str:
    """Any message-like value as text in `lang`: a `Msg` or `Seq` worded, a string as it is, None as ''."""
    if isinstance(value, Msg):
        return value.text(lang)
    if isinstance(value, Seq):
        items = [render(item, lang) for item in value.items]
        if value.quoted:
            items = [msg("quote", value=item).text(lang) for item in items]
        return template(value.sep, lang).join(items)
    return "" if value is None else str(value)


@functools.cache
def fields(key: str) -> frozenset[str]:
    """The named fields of a key's ``zh`` template."""
    return _fields(CATALOGUE[key]["zh"])


def _fields(text: str) -> frozenset[str]:
    return frozenset(name for _, name, _, _ in string.Formatter().parse(text) if name is not None)


@functools.cache
def template(key: str, lang: str = "zh") -> str:
    """A key's template in `lang`; ``zh-Hant`` converts the ``zh`` template (never the arguments)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; one of {', '.join(LANGUAGES)}")
    entry = CATALOGUE[key]
    if lang == "zh-Hant":
        return s2t().convert(entry["zh"])
    return entry[lang]


@functools.cache
def s2t() -> Any:
    """The one Simplified -> Traditional converter (OpenCC ``s2t``, Apache-2.0) of every module that says zh-Hant.

    Built once, on first use: OpenCC is imported only when zh-Hant is asked for, so that this
    module stays cheap to import (`geo._main` uses it before the heavy imports).
    """
    import opencc

    return _Traditional(opencc.OpenCC("s2t"))


class _Traditional:
    """OpenCC's ``s2t`` with today's usual form of one character: 核 (核實, 審核), not the old variant 覈.

    OpenCC's tables turn every 核 of 核实 / 审核 into 覈; Taiwan's and Hong Kong's standard forms
    (and their campaign offices) write 核實, 審核.
    """

    def __init__(self, converter: Any):
        self._converter = converter

    def convert(self, text: str) -> str:
        return str(self._converter.convert(text)).replace("覈", "核")


class _Formatter(string.Formatter):
    """`str.format` plus ``{name:omit}``: a field the language has no use for prints nothing."""

    def format_field(self, value: Any, format_spec: str) -> str:
        return "" if format_spec == "omit" else super().format_field(value, format_spec)


_FORMATTER = _Formatter()
