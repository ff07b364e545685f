"""The interface in Chinese or English: every label, key description, message and error.

Each entry is a whole sentence or label in both languages, with named {placeholders}, so no text
is ever assembled from translated fragments. `--lang zh|en`, then $CATALOG_TUI_LANG, then the
locale choose the language; the `L` key switches it while the app runs.
"""

from __future__ import annotations

import locale
import os
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.binding import ActiveBinding

LANGUAGES = ("zh", "en")

MESSAGES: dict[str, tuple[str, str]] = {
    # App and loading
    "app.title": ("网络视听精品目录", "Featured online audiovisual works"),
    "app.subtitle": ("{count} 部作品 · {file}", "{count} works · {file}"),
    "app.backup": ("无法读取的存储文件已另存为 {path}", "An unreadable store file was kept as {path}"),
    "loading.opening": ("正在打开目录…", "Opening the catalogue…"),
    "loading.stage": ("{stage} {done}/{total}", "{stage} {done}/{total}"),
    "stage.reading catalogue": ("读取目录", "reading catalogue"),
    "stage.preparing search data": ("准备搜索数据", "preparing search data"),
    "stage.writing store": ("写入存储", "writing store"),
    "stage.reading store": ("读取存储", "reading store"),
    "stage.indexing": ("建立索引", "indexing"),
    "stage.exporting": ("导出", "exporting"),
    # Loading progress with works, rate and time left (issue 13, seeding)
    "loading.works": ("{stage} {done} / {total} 部作品", "{stage} {done} / {total} works"),
    "loading.share": ("{stage} {percent}%", "{stage} {percent}%"),
    "loading.rate": ("{rate} 部/秒", "{rate} works/s"),
    "loading.left": ("剩余 {left}", "{left} left"),
    # Progress that never stands still (issue 13): the checks after the parse have their own stage
    "stage.checking catalogue": ("检查目录", "checking catalogue"),
    "stage.writing index": ("写入索引", "writing index"),
    "error.catalogue": ("目录有错误", "The catalogue has errors"),
    "error.store": ("无法打开存储或目录", "Cannot open the store or catalogue"),
    "error.untouched": (
        "存储未作改动。请修改文件，或运行 catalog-tui validate 文件 查看全部问题。",
        "The store was left as it was. Fix the file, or run `catalog-tui validate FILE`.",
    ),
    # Tabs
    "tab.all": ("{n} 全部", "{n} All"),
    "tab.campaigns": ("{n} 活动", "{n} Campaigns"),
    "tab.genres": ("{n} 类型", "{n} Genres"),
    "tab.channels": ("{n} 频道", "{n} Channels"),
    "tab.selection": ("{n} 已选", "{n} Selection"),
    "tab.policies": ("{n} 政策", "{n} Policies"),
    "tab.stats": ("{n} 数据", "{n} Stats"),
    # Records as first-class tabs (issue 12): tabs, counts, kinds, details, relations
    "tab.people": ("{n} 人物", "{n} People"),
    "tab.organisations": ("{n} 机构", "{n} Organisations"),
    "search.count.campaigns": ("{shown} / {total} 个活动", "{shown} / {total} campaigns"),
    "search.count.genres": ("{shown} / {total} 个类型", "{shown} / {total} genres"),
    "search.count.channels": ("{shown} / {total} 个频道", "{shown} / {total} channels"),
    "search.count.people": ("{shown} / {total} 位人物", "{shown} / {total} people"),
    "search.count.organisations": ("{shown} / {total} 个机构", "{shown} / {total} organisations"),
    "search.count.policies": ("{shown} / {total} 条记录", "{shown} / {total} records"),
    "kind.campaigns": ("活动", "Campaign"),
    "kind.genres": ("类型", "Genre"),
    "kind.channels": ("频道", "Channel"),
    "kind.people": ("人物", "Person"),
    "kind.organisations": ("机构", "Organisation"),
    "kind.policies": ("政策", "Policy"),
    "kind.events": ("事件", "Event"),
    "kind.figures": ("数据", "Figure"),
    "col.works": ("作品", "Works"),
    "detail.role": ("职务", "Role"),
    "detail.period": ("时期", "Period"),
    "detail.works": ("作品", "Works"),
    "detail.works_count": ("{total} 部（w 或回车列出）", "{total} (w or enter lists them)"),
    "detail.statements": ("发言", "Statements"),
    "rel.based_on": ("→ 基于", "→ Based on"),
    "rel.extended_by": ("← 延伸为", "← Extended by"),
    "rel.part_of": ("→ 隶属", "→ Part of"),
    "rel.has_part": ("← 下设", "← Has part"),
    "rel.works_at": ("→ 任职于", "→ Works at"),
    "rel.staff": ("← 人物", "← Person"),
    "rel.issuer": ("→ 发布者", "→ Issuer"),
    "rel.issued": ("← 发布", "← Issued"),
    "rel.names": ("→ 提及活动", "→ Names campaign"),
    "rel.spoke_about": ("→ 谈及作品", "→ Spoke about"),
    "link.person": ("→ 人物", "→ Person"),
    "link.organisation": ("→ 机构", "→ Organisation"),
    "link.policy": ("→ 政策", "→ Policy"),
    "link.event": ("→ 事件", "→ Event"),
    "link.figure": ("→ 数据", "→ Figure"),
    "works.none": ("当前结果中没有与此条目相关的作品", "No current matches concern this record"),
    "jump.cleared": (
        "已清除搜索与筛选，以便显示该条目",
        "The search and filters were cleared to show it",
    ),
    "palette.person": ("人物", "Person"),
    "palette.organisation": ("机构", "Organisation"),
    "palette.policy": ("政策", "Policy"),
    "palette.event": ("事件", "Event"),
    "palette.figure": ("数据", "Figure"),
    "palette.works": ("列出所选条目的作品", "List the highlighted record's works"),
    "palette.works.help": ("也可按 w 键", "Also the w key"),
    "palette.links": ("聚焦详情中的链接", "Focus the links in the details"),
    "palette.links.help": ("回车跳转；也可按 l 键", "enter jumps; also the l key"),
    # Search bar
    "search.placeholder": (
        "/ 搜索：苏东坡 · sudongpo · nhsdp · campaign:旅行 · -type:documentary · year:2024",
        "/ Search: 苏东坡 · sudongpo · nhsdp · campaign:旅行 · -type:documentary · year:2024",
    ),
    "search.count": ("{shown} / {total} 部作品", "{shown} / {total} works"),
    "search.selected": ("✓ 已选 {count}", "✓ {count} selected"),
    "search.error": ("⚠ {message}（第 {column} 列）", "⚠ {message} (column {column})"),
    # Works list
    "col.title": ("标题", "Title"),
    "col.type": ("类型", "Type"),
    "col.year": ("年份", "Year"),
    "col.campaigns": ("活动", "Campaigns"),
    "col.channels": ("频道", "Channels"),
    "list.empty": ("没有匹配的作品", "No matching works"),
    "list.empty_selection": ("还没有选中作品（按空格键选择）", "Nothing selected yet (space selects)"),
    # Details
    "detail.none": ("没有可显示的作品", "No work to show"),
    "detail.title_en": ("本目录译名", "our rendering"),
    "detail.campaigns": ("活动", "Campaigns"),
    "detail.channels": ("频道", "Channels"),
    "detail.themes": ("主题", "Themes"),
    "detail.facts": ("数据与事实", "Facts"),
    "detail.summary": ("简介", "Summary"),
    "detail.sources": ("原文出处", "Source passages"),
    "detail.note": ("编者注", "Curator's note"),
    "detail.issuer": ("发布", "Issuer"),
    "detail.date": ("日期", "Date"),
    "detail.place": ("地点", "Place"),
    "link.campaign": ("→ 活动", "→ Campaign"),
    "link.channel": ("→ 频道", "→ Channel"),
    "link.type": ("→ 类型", "→ Genre"),
    "link.work": ("相关作品", "Related"),
    # Facets and filters
    "field.type": ("类型", "Type"),
    "field.campaign": ("活动", "Campaign"),
    "field.channel": ("频道", "Channel"),
    "field.year": ("年份", "Year"),
    "field.theme": ("主题", "Theme"),
    "filters.title": ("筛选：", "Filters:"),
    "filters.include": (" +{field}：{value} ✕ ", " +{field}: {value} ✕ "),
    "filters.exclude": (" −{field}：{value} ✕ ", " −{field}: {value} ✕ "),
    "filters.clear": ("（F 清除全部）", "(F clears all)"),
    # Records and stats
    "col.name": ("名称", "Name"),
    "col.kind": ("类别", "Kind"),
    "col.issuer": ("发布者或地点", "Issuer or place"),
    "col.date": ("日期", "Date"),
    "col.figure": ("数据", "Figure"),
    "col.value": ("数值", "Value"),
    "col.period": ("时期", "Period"),
    "stats.cross": ("活动 × 频道", "Campaign × channel"),
    "stats.figures": ("头条数据（空格选择，e 导出）", "Headline figures (space picks, e exports)"),
    # Saved searches
    "saved.title": ("保存的搜索", "Saved searches"),
    "saved.hint": ("按 ctrl+s 保存当前搜索", "ctrl+s saves the current search"),
    "saved.filters": ("{query} ＋{count} 项筛选", "{query} +{count} filters"),
    "saved.prompt": ("将当前搜索保存为", "Save this search as"),
    "saved.rename_prompt": ("重命名保存的搜索", "Rename the saved search"),
    "saved.saved": (
        "已保存“{name}”：可用 catalog-tui search @{name} 运行",
        "Saved “{name}”: run it with catalog-tui search @{name}",
    ),
    "saved.deleted": ("已删除“{name}”", "Deleted “{name}”"),
    "saved.failed": ("未能保存：{error}", "Not saved: {error}"),
    "prompt.hint": ("回车确认 · Esc 取消", "enter confirms · escape cancels"),
    "prompt.empty": ("请输入名称", "Type a name"),
    # Notifications
    "search.sort": ("排序：{sort}", "by {sort}"),
    "selection.caption": (
        "已选 {count} 部，全部列出（查询不筛选此页；其中 {matching} 部符合当前查询）",
        "{count} selected works, all listed (the query does not filter this tab; {matching} match it)",
    ),
    "policies.caption": (
        "政策、事件与数据 {shown} / {count} 条 · 回车或 w：所涉作品",
        "Policies, events, figures: {shown} of {count} · enter or w: their works",
    ),
    "selection.clear_question": ("要清空全部 {count} 部已选作品吗？", "Clear all {count} selected works?"),
    "saved.overwrite": (
        "已有名为“{name}”的保存搜索，要覆盖吗？",
        "A saved search named “{name}” exists. Overwrite it?",
    ),
    "saved.delete_question": ("要删除保存的搜索“{name}”吗？", "Delete the saved search “{name}”?"),
    "confirm.clear": ("清空 (y)", "Clear (y)"),
    "confirm.delete": ("删除 (y)", "Delete (y)"),
    "sort.title": ("拼音标题", "pinyin title"),
    "sort.year": ("年份", "year"),
    "sort.type": ("类型", "type"),
    "selection.all": ("已选 {count} 部作品", "Selected {count} works"),
    "selection.cleared": ("已清空 {count} 部已选作品", "Cleared {count} selected works"),
    "selection.not_saved": ("选择未能保存：{error}", "Selection not saved: {error}"),
    "jump.missing_work": (
        "这部作品不在当前结果中：请清除搜索（/）",
        "That work is not among the current matches: clear the search (/)",
    ),
    "jump.missing_group": (
        "当前结果中没有这一组：请清除搜索（/）",
        "No matches in that group: clear the search (/)",
    ),
    "settings.not_saved": ("主题未能保存：{error}", "The theme was not saved: {error}"),
    "language.changed": ("界面语言：中文", "Interface language: English"),
    # Export
    "export.title": ("导出", "Export"),
    "export.file": ("文件（回车导出）", "File (enter exports)"),
    "export.scope.selection": ("已选作品（{count}）", "Selected works ({count})"),
    "export.scope.matches": ("当前结果（{count}）", "Current matches ({count})"),
    "export.scope.all": ("全部作品（{count}）", "All works ({count})"),
    "export.scope.figures": ("已选数据（{count}）", "Selected figures ({count})"),
    "export.button": ("导出", "Export"),
    "export.cancel": ("取消", "Cancel"),
    "export.no_name": ("请填写文件名", "Give a file name"),
    "export.overwrite": ("文件已存在，要覆盖吗？\n\n{path}", "The file exists. Overwrite it?\n\n{path}"),
    "export.done_title": ("已导出", "Exported"),
    "export.done": ("{count} 条 → {path}（{format}）", "{count} entries → {path} ({format})"),
    "export.failed_title": ("导出失败", "Export failed"),
    # export progress (wt-progress, #13)
    "export.progress.title": ("正在导出 → {path}", "Exporting → {path}"),
    "export.progress.starting": ("准备中…", "Starting…"),
    "export.progress.count": ("{done} / {total} 条", "{done} / {total} records"),
    "export.progress.hint": (
        "Esc 关闭此窗口，导出继续，完成后提示",
        "Esc closes this; the export goes on and says when done",
    ),
    "confirm.yes": ("覆盖 (y)", "Overwrite (y)"),
    "confirm.no": ("取消 (n)", "Cancel (n)"),
    # Help
    "help.keys": ("按键", "Keys"),
    "help.query": ("查询语法", "Query syntax"),
    "help.close": ("Esc / q / ? 关闭", "escape / q / ? closes"),
    # Palette
    "palette.export": ("导出…", "Export…"),
    "palette.export.help": ("导出已选、当前结果或全部作品", "Export the selection, the matches or all works"),
    "palette.clear": ("清空选择", "Clear selection"),
    "palette.clear.help": ("取消选择所有作品", "Unselect every work"),
    "palette.select": ("全选当前结果", "Select all matches"),
    "palette.select.help": ("选中当前所有结果", "Select every current match"),
    "palette.facets": ("显示或隐藏筛选面板", "Toggle the filter panel"),
    "palette.facets.help": (
        "按类型、活动、频道、年份、主题筛选",
        "Filter by type, campaign, channel, year, theme",
    ),
    "palette.clear_filters": ("清除所有筛选", "Clear all filters"),
    "palette.clear_filters.help": ("也可按 F 键", "Also the F key"),
    "palette.sort": ("切换排序（标题 / 年份 / 类型）", "Change the sort (title / year / type)"),
    "palette.sort.help": ("也可按 s 键", "Also the s key"),
    "palette.save": ("保存当前搜索…", "Save the current search…"),
    "palette.save.help": ("以名称保存查询与筛选；也可按 ctrl+s", "Name the query and filters; also ctrl+s"),
    "palette.english": ("显示或隐藏英文标题", "Show or hide English titles"),
    "palette.english.help": ("也可按 t 键", "Also the t key"),
    "palette.dark": ("切换深色 / 浅色", "Toggle dark / light"),
    "palette.dark.help": ("在深色与浅色主题间切换", "Switch between the dark and light themes"),
    "palette.language": ("切换界面语言（中文 / English）", "Switch the interface language (中文 / English)"),
    "palette.language.help": ("也可按 L 键", "Also the L key"),
    "palette.help": ("帮助", "Help"),
    "palette.help.help": ("按键与查询语法", "Keys and query syntax"),
    "palette.work": ("作品 · {type}", "Work · {type}"),
    "palette.campaign": ("活动", "Campaign"),
    "palette.channel": ("频道", "Channel"),
    "palette.type": ("类型", "Type"),
    "palette.saved": ("保存的搜索 · {query}", "Saved search · {query}"),
    # Source reader and citations (#12)
    "reader.passage": ("第 {number} / {count} 段引文", "Passage {number} of {count}"),
    "reader.step_hint": ("n / N：下一段 / 上一段", "n / N: next / previous"),
    "reader.problem.no-document": (
        "目录的 documents 中没有这篇文章，只能显示引文：",
        "The catalogue's documents do not list this article; only the quote can be shown:",
    ),
    "reader.problem.no-text": (
        "目录没有附带这篇文章的原文（documents 的 text），只能显示引文：",
        "The catalogue ships no text for this article (documents' text); only the quote can be shown:",
    ),
    "reader.problem.unreadable": (
        "无法读取这篇文章的原文文件，只能显示引文：",
        "The article's text file cannot be read; only the quote can be shown:",
    ),
    "reader.problem.not-found": (
        "在原文中找不到这段引文（文章照常显示）：",
        "This quote is not in the article's text (the article is shown as it is):",
    ),
    "reader.no_source": ("这一条没有可读的原文出处", "This record has no source passage to read"),
    "reader.nothing_to_copy": ("没有可复制的条目", "No record to copy"),
    "reader.copied_citation": ("已复制引文：{title}", "Citation copied: {title}"),
    "reader.copied_id": ("已复制：{text}", "Copied: {text}"),
    "palette.read": ("阅读原文", "Read the source"),
    "palette.read.help": (
        "在原文中查看当前条目的引文及其上下文；也可按 r 键",
        "The highlighted record's passage in its article; also the r key",
    ),
    "palette.cite": ("复制引文", "Copy the citation"),
    "palette.cite.help": (
        "标题、文章、作者与引文复制到剪贴板；也可按 c 键",
        "Title, article, byline and passage to the clipboard; also the c key",
    ),
    "palette.copy_id": ("复制编号与标题", "Copy the id and title"),
    "palette.copy_id.help": (
        "“编号 — 标题”复制到剪贴板；也可按 C 键",
        "'id — title' to the clipboard; also the C key",
    ),
    "palette.next_passage": ("下一段引文", "Next passage"),
    "palette.next_passage.help": ("也可按 n 键", "Also the n key"),
    "palette.previous_passage": ("上一段引文", "Previous passage"),
    "palette.previous_passage.help": ("也可按 N 键", "Also the N key"),
    "palette.close_reader": ("关闭原文", "Close the source"),
    "palette.close_reader.help": ("回到浏览；也可按 Esc 或 q 键", "Back to the browser; also escape or q"),
    # Query errors (codes raised by the core's parser)
    "query.minus_alone": ("“-”必须紧挨着要排除的词", "'-' must stand right before the term it excludes"),
    "query.minus_pipe": ("“-”不能排除“|”", "'-' cannot exclude '|'"),
    "query.minus_close": ("“-”不能排除“)”", "'-' cannot exclude ')'"),
    "query.unclosed_quote": ("这个引号没有闭合", "this quote is never closed"),
    "query.unmatched_close": ("这个“)”没有对应的“(”", "this ')' has no matching '('"),
    "query.unclosed_paren": ("这个“(”没有闭合", "this '(' is never closed"),
    "query.empty_parens": ("括号里是空的", "empty parentheses"),
    "query.pipe_operand": ("“|”两边都需要有词", "'|' needs a term on both sides"),
    "query.empty_quotes": ("引号里是空的", "empty quotes"),
    "query.field_value": (
        "“{field}:”后面需要一个值，例如 {example}",
        "'{field}:' needs a value, e.g. {example}",
    ),
    "query.bad_year": (
        "“{value}”不是年份，也不是 2023..2025 这样的范围",
        "'{value}' is not a year or a range like 2023..2025",
    ),
    "query.open_range": (
        "年份范围至少要有一端，例如 year:2023..",
        "a year range needs at least one end, e.g. year:2023..",
    ),
    "query.empty_range": ("范围 {low}..{high} 是空的", "the range {low}..{high} is empty"),
    "query.too_deep": ("括号嵌套超过 {depth} 层", "parentheses nested more than {depth} deep"),
    "query.no_saved": ("没有名为“{name}”的保存搜索", "no saved search named '{name}'"),
    "query.bad_text": (
        "查询不是有效的文本（UTF-8 编码有误？）",
        "the query is not valid text (invalid UTF-8?)",
    ),
    "query.too_long": ("查询超过 {limit} 个字符", "the query is longer than {limit} characters"),
    # Command line: help
    "cli.description": (
        "浏览中国网络视听精品作品及推介它们的活动与频道。",
        "Browse China's featured online audiovisual works, campaigns and channels.",
    ),
    "cli.epilog": ("不带命令时打开终端浏览器。", "Without a command, opens the terminal browser."),
    "cli.usage": ("用法：", "usage: "),
    "cli.positionals": ("位置参数", "positional arguments"),
    "cli.options": ("选项", "options"),
    "cli.help": ("显示此帮助并退出", "show this help message and exit"),
    "cli.version": ("显示版本号并退出", "show the version and exit"),
    "cli.error": ("{prog}：错误：{message}", "{prog}: error: {message}"),
    "cli.help.catalog": ("目录 YAML 文件（默认：内置目录）", "catalogue YAML (default: the bundled one)"),
    "cli.help.db": (
        "存储文件（默认：$CATALOG_TUI_DB、配置文件或用户数据目录）",
        "store file (default: $CATALOG_TUI_DB, the config file, else the user data folder)",
    ),
    "cli.help.lang": (
        "界面语言（默认：$CATALOG_TUI_LANG、配置文件，否则按区域设置）",
        "interface language (default: $CATALOG_TUI_LANG, the config file, else the locale)",
    ),
    "cli.help.theme": (
        "Textual 主题，如 textual-light（默认：$CATALOG_TUI_THEME 或配置文件）",
        "Textual theme, e.g. textual-light (default: $CATALOG_TUI_THEME or the config file)",
    ),
    "cli.help.debug": (
        "意外错误时显示完整回溯（也可设 CATALOG_TUI_DEBUG=1）",
        "show the full traceback of an unexpected error (or CATALOG_TUI_DEBUG=1)",
    ),
    "cli.help.validate": ("检查目录文件并输出各部分数量", "check a catalogue file and print its counts"),
    "cli.help.validate.file": (
        "目录 YAML 文件（默认：--catalog 或内置目录）",
        "catalogue YAML (default: --catalog or the bundled one)",
    ),
    "cli.help.search": (
        "输出与查询（或 @保存的搜索）匹配的作品",
        "print the works matching a query (or @saved-search)",
    ),
    "cli.help.search.query": (
        "例如 sudongpo、'campaign:旅行 -type:documentary'、'year:2023..2025'",
        "e.g. sudongpo, 'campaign:旅行 -type:documentary', 'year:2023..2025'",
    ),
    "cli.help.format": ("输出格式", "output format"),
    "cli.help.limit": ("最多 N 部作品", "at most N works"),
    "cli.help.sort": (
        "排序方式（默认：配置文件，否则 title）",
        "order (default: the config file, else title)",
    ),
    "cli.help.export": (
        "把与查询匹配的作品（或任一部分）写入文件",
        "write the works matching a query (or any section) to a file",
    ),
    "cli.help.export.query": ("查询（默认 ''，即全部作品）", "the query (default: '', every work)"),
    "cli.help.output": ("目标文件；- 表示标准输出", "target file; - for stdout"),
    "cli.help.export.format": (
        "默认：按文件后缀（.yaml .yml .json .csv）；标准输出为 yaml",
        "default: from the file's suffix (.yaml .yml .json .csv); yaml for stdout",
    ),
    "cli.help.section": (
        "导出什么：与查询匹配的作品（默认，连同其引用的活动和频道）、另一个完整部分，或全部",
        "what to export: the works matching the query (default, with the campaigns and channels they "
        "cite), another whole section, or all of them",
    ),
    "cli.help.max_sessions": (
        "同时最多 N 个浏览器标签页，各自一个应用进程（默认：4）",
        "at most N browser tabs at once, each its own app process (default: 4)",
    ),
    "cli.help.public_url": (
        "在反向代理之后，浏览器使用的地址（如 https://catalog.example.org）",
        "the address browsers use, behind a proxy (e.g. https://catalog.example.org)",
    ),
    "cli.help.force": ("覆盖已有文件", "overwrite an existing file"),
    "cli.help.seed": ("由目录（重新）建立存储", "(re)build the store from the catalogue"),
    "cli.help.seed.force": ("即使目录未变也重新建立", "reseed even if the catalogue is unchanged"),
    "cli.help.serve": (
        "在网页中运行浏览器（需要 serve 扩展）",
        "serve the browser in a web page (needs the serve extra)",
    ),
    "cli.help.host": ("监听地址（默认：127.0.0.1）", "address to listen on (default: 127.0.0.1)"),
    "cli.help.port": ("监听端口（默认：8000）", "port to listen on (default: 8000)"),
    "cli.help.config": (
        "显示配置文件的位置和当前设置",
        "show the config file's path and the current settings",
    ),
    "cli.help.completion": ("输出 shell 补全脚本", "print a shell completion script"),
    "cli.help.completion.shell": ("bash、zsh 或 fish", "bash, zsh or fish"),
    # Command line: messages
    "cli.problems": ("catalog-tui：{count} 个问题", "catalog-tui: {count} problem(s)"),
    "cli.problems_untouched": (
        "catalog-tui：{count} 个问题；存储未作改动",
        "catalog-tui: {count} problem(s); the store was left as it was",
    ),
    "cli.query_error": ("catalog-tui：查询有误：{message}", "catalog-tui: query error: {message}"),
    "cli.export_failed": ("catalog-tui：导出失败：{error}", "catalog-tui: export failed: {error}"),
    "cli.export_interrupted": (
        "catalog-tui：导出被中断：没有写入 {path}",
        "catalog-tui: export interrupted: nothing was written to {path}",
    ),
    "cli.interrupted": ("catalog-tui：已中断", "catalog-tui: interrupted"),
    "cli.config_error": ("catalog-tui：配置文件有误：{error}", "catalog-tui: config error: {error}"),
    "cli.unknown_theme": (
        "catalog-tui：没有名为“{theme}”的主题；可选：{themes}",
        "catalog-tui: no theme named '{theme}'; choose from {themes}",
    ),
    "cli.unexpected": (
        "catalog-tui：意外错误：{error}（详情已写入 {log}；加 --debug 可在此显示）",
        "catalog-tui: unexpected error: {error} (details in {log}; --debug shows them here)",
    ),
    "cli.unexpected_nolog": (
        "catalog-tui：意外错误：{error}（加 --debug 显示详情）",
        "catalog-tui: unexpected error: {error} (--debug shows the details)",
    ),
    "cli.logged": ("catalog-tui：回溯已写入 {log}", "catalog-tui: the traceback was written to {log}"),
    "cli.valid": ("{path}：有效：{counts}", "{path}: valid: {counts}"),
    "cli.count": ("{section} {count}", "{count} {section}"),
    "cli.works_found": ("{count} 部作品", "{count} work(s)"),
    "cli.works_of": ("{count} / {total} 部作品", "{count} of {total} works"),
    "cli.wrote": ("已写入 {counts} 到 {path}（{format}）", "wrote {counts} to {path} ({format})"),
    "cli.store_repaired": ("catalog-tui：警告：{damage}", "catalog-tui: warning: {damage}"),
    "cli.earlier_backups": (
        "注意：之前已保留 {count} 个损坏的存储文件；最新的是 {path}",
        "note: {count} earlier damaged store file(s) kept; the latest is {path}",
    ),
    "cli.backup": ("无法读取的存储文件已另存为 {path}", "an unreadable store file was kept as {path}"),
    "cli.kept": (
        "从中保留：{selection} 部已选作品、{saved} 个保存的搜索",
        "kept from it: {selection} selected work(s), {saved} saved search(es)",
    ),
    "cli.config_file": ("配置文件：{path}", "config file: {path}"),
    "cli.config_missing": (
        "（尚不存在；所列为默认值）",
        "(not created yet; the values below are the defaults)",
    ),
    "cli.config_source.option": ("命令行选项", "command-line option"),
    "cli.config_source.env": ("环境变量 {name}", "environment variable {name}"),
    "cli.config_source.file": ("配置文件", "config file"),
    "cli.config_source.default": ("默认", "default"),
    "cli.separator": ("，", ", "),
    "section.works": ("作品", "works"),
    "section.campaigns": ("活动", "campaigns"),
    "section.channels": ("频道", "channels"),
    "section.policies": ("政策", "policies"),
    "section.events": ("事件", "events"),
    "section.figures": ("数据", "figures"),
    "section.people": ("人物", "people"),
    "section.organisations": ("机构", "organisations"),
    "cli.progress.works": ("{done} / {total} 部作品", "{done} / {total} works"),
    "cli.progress.rate": ("{rate} 部/秒", "{rate} works/s"),
    # Navigation history, reversible sort, facets (#12)
    "history.start": ("没有更早的位置", "Nothing to go back to"),
    "history.end": ("没有更晚的位置", "Nothing to go forward to"),
    "palette.back": ("后退", "Back"),
    "palette.back.help": (
        "回到跳转前的位置（标签、光标、查询）；也可按退格键或 alt+←",
        "Return to where a jump left (tab, cursor, query); also backspace or alt+left",
    ),
    "palette.forward": ("前进", "Forward"),
    "palette.forward.help": (
        "重新前往后退前的位置；也可按 alt+→",
        "Go again where Back came from; also alt+right",
    ),
    "palette.reverse_sort": ("倒转排序方向", "Reverse the sort order"),
    "palette.reverse_sort.help": (
        "升序与降序互换；也可按 S 键",
        "Ascending and descending swap; also the S key",
    ),
}

# argparse's common errors (English, from argparse itself) in Chinese: (pattern, replacement).
ARGPARSE_ERRORS_ZH: tuple[tuple[str, str], ...] = (
    (r"^the following arguments are required: (.*)$", r"缺少必需的参数：\1"),
    (r"^unrecognized arguments: (.*)$", r"无法识别的参数：\1"),
    (r"^argument (\S+): invalid choice: (.*?) \(choose from (.*)\)$", r"参数 \1：无效的选择 \2（可选：\3）"),
    (r"^argument (\S+): expected one argument$", r"参数 \1 需要一个值"),
    (r"^argument (\S+): invalid \w+ value: (.*)$", r"参数 \1：无效的值 \2"),
    (r"^argument (\S+): must be 1 or more, not (.*)$", r"参数 \1：必须至少为 1，而不是 \2"),
    (r"^argument (\S+): must be 1 to 65535, not (.*)$", r"参数 \1：必须在 1 到 65535 之间，而不是 \2"),
)

# Key descriptions in the footer and help, by English text.
BINDINGS_ZH: dict[str, str] = {
    "Quit": "退出", "Help": "帮助", "Commands": "命令", "Search": "搜索", "List": "列表",
    "Prev tab": "上一标签", "Next tab": "下一标签", "Filters": "筛选", "Clear filters": "清除筛选",
    "Sort": "排序", "Select all": "全选", "Clear selection": "清空选择", "Export": "导出",
    "Save search": "保存搜索", "Language": "中/EN", "Select": "选择", "Details": "详情",
    "Up": "上", "Down": "下", "Page up": "上翻页", "Page down": "下翻页", "First": "首个",
    "Last": "末个", "Works": "作品", "Links": "链接", "Include": "包含", "Exclude": "排除", "Rename": "重命名", "Delete": "删除",
    "Cancel": "取消", "Close": "关闭", "Yes": "是", "No": "否", "English titles": "英文标题",
    "Read source": "读原文", "Copy citation": "复制引文", "Copy id and title": "复制编号",
    "Next passage": "下一段", "Previous passage": "上一段",
    "Scroll down": "向下滚动", "Scroll up": "向上滚动",
    "Reverse sort": "倒序", "Back": "后退", "Forward": "前进",
    **{f"Tab {n}": f"标签 {n}" for n in range(1, 10)},
}  # fmt: skip
_BINDINGS_EN = {zh: en for en, zh in BINDINGS_ZH.items()}

_language = "zh"


def language() -> str:
    return _language


def set_language(code: str) -> None:
    global _language
    if code not in LANGUAGES:
        raise ValueError(f"unknown language {code!r} (choose zh or en)")
    _language = code


def detect_language(option: str | None = None, configured: str | None = None) -> str:
    """`--lang`, then $CATALOG_TUI_LANG, then the config file's language, then the locale (zh_*
    means Chinese), else English."""
    for candidate in (option, os.environ.get("CATALOG_TUI_LANG"), configured):
        if candidate in LANGUAGES:
            return candidate
    names = [os.environ.get(var, "") for var in ("LC_ALL", "LC_MESSAGES", "LANG")]
    names.append(locale.getlocale()[0] or "")
    return "zh" if any(name.lower().startswith("zh") for name in names if name) else "en"


def t(key: str, **params: object) -> str:
    """The message `key` in the current language, with its placeholders filled."""
    zh, en = MESSAGES[key]
    return (zh if _language == "zh" else en).format(**params)


def query_error_text(message: str, code: str = "", params: dict[str, object] | None = None) -> str:
    """A query error from the core, in the current language when its code is known."""
    key = f"query.{code}"
    return t(key, **(params or {})) if key in MESSAGES else message


def vocab(labels: tuple[str, str]) -> str:
    """A fixed vocabulary's (Chinese, English) label in the current language."""
    return labels[0] if _language == "zh" else labels[1]


def binding_text(description: str) -> str:
    """A key description (given in either language) in the current language."""
    english = _BINDINGS_EN.get(description, description)
    return BINDINGS_ZH.get(english, english) if _language == "zh" else english


def translated(active: dict[str, ActiveBinding]) -> dict[str, ActiveBinding]:
    """A screen's active bindings with their descriptions in the current language: what the footer,
    the keys panel and the palette read (screens return this from `active_bindings`)."""
    return {
        key: entry._replace(
            binding=replace(entry.binding, description=binding_text(entry.binding.description))
        )
        if entry.binding.description
        else entry
        for key, entry in active.items()
    }
