"""User-facing messages in zh-CN (default) and en, chosen by ``Accept-Language``."""

from __future__ import annotations

from typing import Any

ZH = "zh-CN"
EN = "en"
SUPPORTED = (ZH, EN)

MESSAGES: dict[str, dict[str, str]] = {
    "error.unauthenticated": {ZH: "请先登录。", EN: "Please sign in first."},
    "error.token_expired": {
        ZH: "登录已过期，请刷新令牌或重新登录。",
        EN: "Your session has expired; refresh the token or sign in again.",
    },
    "error.invalid_token": {ZH: "登录凭证无效。", EN: "The access token is not valid."},
    "error.tenant_required": {
        ZH: "您属于多个街道（{streets}），请在 X-Tenant 请求头中指定其中一个街道代码。",
        EN: "You belong to several streets ({streets}): name one in the X-Tenant header.",
    },
    "error.no_street": {
        ZH: "该账号不属于任何街道，X-Tenant 请求头也无法选择街道；请街道管理员为您分配角色。",
        EN: "This account belongs to no street, so there is none to act in and an X-Tenant "
        "header cannot help: ask a street's administrator for a role.",
    },
    "error.tenant_forbidden": {
        ZH: "您无权访问街道“{street}”。",
        EN: "You have no access to street '{street}'.",
    },
    "error.forbidden": {
        ZH: "您没有权限执行此操作（{resource}:{action}）。",
        EN: "You are not allowed to do this ({resource}:{action}).",
    },
    "error.not_found": {ZH: "未找到该记录。", EN: "No such record."},
    "error.invalid_id": {ZH: "ID 格式无效。", EN: "That ID is not valid."},
    "error.bad_user_input": {ZH: "输入有误。", EN: "The input is not valid."},
    "error.page_size": {ZH: "每页最多 {max} 条。", EN: "At most {max} items per page."},
    "error.bad_cursor": {ZH: "分页游标无效。", EN: "The page cursor is not valid."},
    "error.bad_event_cursor": {
        ZH: "事件游标无效（或不属于当前街道）。",
        EN: "The event cursor is not valid (or belongs to another street).",
    },
    "error.event_cursor_expired": {
        ZH: "该游标之后的事件已超过保存期限，请重新加载数据后再订阅。",
        EN: "Events after that cursor are no longer kept: reload, then subscribe again.",
    },
    "error.internal_server_error": {
        ZH: "服务器内部错误，请稍后再试。",
        EN: "Something went wrong on our side; please try again later.",
    },
    "error.query_too_complex": {ZH: "查询过于复杂。", EN: "The query is too complex."},
    "error.district_read_only": {
        ZH: "区级账号只能查看街道数据，不能修改。",
        EN: "District accounts may read a street's data but never change it.",
    },
    "auth.invalid_credentials": {ZH: "用户名或密码错误。", EN: "Wrong username or password."},
    "auth.too_many_attempts": {
        ZH: "尝试次数过多，请 {seconds} 秒后再试。",
        EN: "Too many attempts; try again in {seconds} seconds.",
    },
    "auth.invalid_refresh_token": {
        ZH: "刷新令牌无效或已过期，请重新登录。",
        EN: "The refresh token is not valid or has expired; sign in again.",
    },
    "input.required": {ZH: "此项为必填。", EN: "This field is required."},
    "input.too_long": {ZH: "不能超过 {max} 个字符。", EN: "At most {max} characters."},
    "input.code_format": {
        ZH: "代码只能包含小写字母、数字、连字符，长度 2–40。",
        EN: "Codes are 2–40 lower-case letters, digits or hyphens.",
    },
    "input.username_format": {
        ZH: "用户名只能包含字母、数字、点、下划线、连字符，长度 3–64。",
        EN: "Usernames are 3–64 letters, digits, dots, underscores or hyphens.",
    },
    "input.code_taken": {ZH: "代码“{code}”已被使用。", EN: "The code '{code}' is already taken."},
    "input.username_taken": {
        ZH: "用户名“{username}”已被使用。",
        EN: "The username '{username}' is already taken.",
    },
    "input.unknown_district": {
        ZH: "没有代码为“{code}”的区。",
        EN: "There is no district with code '{code}'.",
    },
    "input.role_not_street": {
        ZH: "角色 {role} 不能在街道内授予。",
        EN: "The role {role} cannot be granted within a street.",
    },
    "input.role_already_held": {
        ZH: "该用户已拥有此角色。",
        EN: "That user already holds this role.",
    },
    "input.last_admin": {
        ZH: "不能撤销本街道最后一位管理员。",
        EN: "The street's last administrator cannot be removed.",
    },
    "input.community_not_found": {
        ZH: "本街道没有该社区。",
        EN: "No such community in this street.",
    },
    "input.user_not_found": {ZH: "本街道没有该用户。", EN: "No such user in this street."},
    "input.membership_not_found": {
        ZH: "本街道没有该角色分配。",
        EN: "No such role assignment in this street.",
    },
    "input.name_taken": {ZH: "名称“{name}”已被使用。", EN: "The name '{name}' is already taken."},
    "input.grid_not_found": {
        ZH: "本街道没有该网格，或您无权管理它。",
        EN: "No such grid in this street, or not one of yours.",
    },
    "input.compound_not_found": {ZH: "本街道没有该小区。", EN: "No such compound in this street."},
    "input.building_not_found": {ZH: "本街道没有该楼栋。", EN: "No such building in this street."},
    "input.lacks_role": {
        ZH: "该用户在本街道没有所需角色（{roles}）。",
        EN: "That user holds none of the needed roles in this street ({roles}).",
    },
    "input.already_assigned": {ZH: "该用户已在此处任职。", EN: "That user already serves here."},
    "input.grid_has_chief": {ZH: "该网格已有网格长。", EN: "That grid already has a grid chief."},
    "input.phone_invalid": {
        ZH: "手机号码无效（应为 11 位中国大陆手机号）。",
        EN: "Not a valid mainland China mobile number (11 digits).",
    },
    "input.id_number_invalid": {
        ZH: "身份证号码无效（18 位，校验位不符或出生日期有误）。",
        EN: "Not a valid 18-digit resident ID number (check digit or birth date).",
    },
    "input.unknown_tag": {
        ZH: "本街道没有标签“{tag}”。",
        EN: "There is no tag '{tag}' in this street.",
    },
    "input.resident_exists": {
        ZH: "该身份证号码的居民已登记。",
        EN: "A resident with this ID number is already registered.",
    },
    "input.resident_not_found": {
        ZH: "未找到该居民，或不在您的网格内。",
        EN: "No such resident, or not in your grids.",
    },
    "input.account_already_linked": {
        ZH: "该账号已关联其他居民。",
        EN: "That account is already linked to another resident.",
    },
    "input.not_a_resident": {
        ZH: "您的账号未关联居民信息。",
        EN: "Your account is not linked to a resident record.",
    },
    "input.thread_not_found": {ZH: "未找到该会话。", EN: "No such conversation."},
    "input.no_grid_chief": {ZH: "您所在网格暂无网格长。", EN: "Your grid has no grid chief yet."},
    "input.not_staff": {
        ZH: "接任者不是本街道的工作人员。",
        EN: "The successor is not staff of this street.",
    },
    "input.not_grid_chief": {
        ZH: "离任者不是本街道的网格长。",
        EN: "The leaver is not a grid chief of this street.",
    },
    "input.same_person": {
        ZH: "接任者不能是离任者本人。",
        EN: "The successor cannot be the leaver.",
    },
    "input.notice_target_outside": {
        ZH: "只能向您负责的范围发送通知。",
        EN: "You can only send notices within the areas you serve.",
    },
    "input.notice_not_found": {ZH: "未找到该通知。", EN: "No such notice."},
    "input.qr_revoked": {ZH: "该二维码已失效。", EN: "This QR code has been revoked."},
    "input.qr_unknown": {ZH: "二维码无效。", EN: "This QR code is not valid."},
    "input.delegate_not_found": {
        ZH: "未找到该代表或议事员。",
        EN: "No such representative or deliberator.",
    },
    "input.group_not_found": {ZH: "未找到该议事组。", EN: "No such deliberator group."},
    "input.level_required": {
        ZH: "人大代表须注明级别（市、区、街道）。",
        EN: "A representative needs a level (city, district, street).",
    },
    "input.month_format": {ZH: "月份格式应为 YYYY-MM。", EN: "Months are written YYYY-MM."},
    "input.number_range": {
        ZH: "应在 {min} 到 {max} 之间。",
        EN: "Must be between {min} and {max}.",
    },
    "import.missing_columns": {ZH: "缺少列：{columns}。", EN: "Missing columns: {columns}."},
    "import.duplicate_in_file": {
        ZH: "与第 {line} 行身份证号码重复。",
        EN: "Same ID number as line {line}.",
    },
    "import.unknown_grid": {
        ZH: "本街道没有网格“{grid}”。",
        EN: "There is no grid '{grid}' in this street.",
    },
    "import.unknown_building": {
        ZH: "本街道没有楼栋“{building}”（格式：小区/楼栋）。",
        EN: "There is no building '{building}' in this street (write compound/building).",
    },
    "import.rejected": {
        ZH: "有 {count} 行无效，未导入任何数据。",
        EN: "{count} rows are invalid: nothing was imported.",
    },
    "import.not_utf8": {
        ZH: "文件不是 UTF-8 或 GB18030 编码的 CSV。",
        EN: "The file is not a CSV in UTF-8 or GB18030.",
    },
    "import.one_source": {
        ZH: "请提供 CSV 文本或上传一个文件（二选一）。",
        EN: "Give either the CSV text or one uploaded file.",
    },
    "import.file_too_large": {
        ZH: "文件过大（最大 {max} MB）。",
        EN: "The file is too large (at most {max} MB).",
    },
    "import.too_many_rows": {ZH: "一次最多导入 {max} 行。", EN: "At most {max} rows per import."},
    "project.invalid_transition": {
        ZH: "项目状态不能从 {from_status} 变为 {to_status}。",
        EN: "A project cannot go from {from_status} to {to_status}.",
    },
    "project.not_active": {
        ZH: "项目当前状态（{status}）不允许此操作。",
        EN: "The project's status ({status}) does not allow this.",
    },
    "project.not_editable": {
        ZH: "状态为 {status} 的项目已归档，不能修改。",
        EN: "A project that is {status} is a closed record: it cannot be edited.",
    },
    "project.reason_required": {
        ZH: "请说明原因。",
        EN: "Please give a reason.",
    },
    "project.dates_order": {
        ZH: "计划结束日期不能早于开始日期。",
        EN: "The planned end cannot be before the planned start.",
    },
    "project.location": {
        ZH: "位置需同时给出经度（-180–180）和纬度（-90–90）。",
        EN: "A location needs both a longitude (-180 to 180) and a latitude (-90 to 90).",
    },
    "project.milestone_before_start": {
        ZH: "里程碑日期不能早于项目开始日期（{start}）。",
        EN: "A milestone cannot be planned before the project starts ({start}).",
    },
    "project.milestone_done": {ZH: "该里程碑已完成。", EN: "That milestone is already done."},
    "project.range": {
        ZH: "取值应在 {min} 到 {max} 之间。",
        EN: "The value must be between {min} and {max}.",
    },
    "project.amount_format": {
        ZH: "金额应为正数，最多两位小数，例如 1234.50。",
        EN: "Amounts are positive numbers with at most two decimals, e.g. 1234.50.",
    },
    "project.over_budget": {
        ZH: "此笔支出将使累计支出（{spent}）超过预算（{budget}），请说明超支原因。",
        EN: "This payment brings spending ({spent}) over the budget ({budget}): give a reason.",
    },
    "project.upload_type": {
        ZH: "只能上传 JPEG、PNG 或 WebP 图片。",
        EN: "Only JPEG, PNG or WebP images can be uploaded.",
    },
    "project.upload_size": {
        ZH: "图片不能超过 {max} 字节。",
        EN: "An image may be at most {max} bytes.",
    },
    "project.upload_count": {
        ZH: "每次最多上传 {max} 张图片。",
        EN: "At most {max} images at a time.",
    },
    "project.already_replied": {ZH: "该意见已答复。", EN: "That opinion was already answered."},
    "project.not_replied": {ZH: "该意见尚未答复。", EN: "That opinion has not been answered yet."},
    "project.not_author": {
        ZH: "只有提出意见的人可以评价答复。",
        EN: "Only the author of the opinion may rate its reply.",
    },
    "project.rating_closed": {
        ZH: "只能在项目完工后、验收前评价（当前状态 {status}）。",
        EN: "Projects are rated once completed and until accepted (now {status}).",
    },
    "project.user_not_staff": {
        ZH: "该账号不是本街道的工作人员。",
        EN: "That account is not a staff member of this street.",
    },
    "project.deadline_title": {
        ZH: "项目“{project}”里程碑“{milestone}”{level}",
        EN: "Project '{project}', milestone '{milestone}': {level}",
    },
    "project.deadline_yellow": {ZH: "即将到期（黄灯提醒）", EN: "due soon (yellow)"},
    "project.deadline_red": {ZH: "已逾期（红灯告警）", EN: "overdue (red)"},
    "project.deadline_body": {
        ZH: "计划完成日期：{planned}。",
        EN: "Planned date: {planned}.",
    },
    "project.reply_title": {
        ZH: "您对项目“{project}”的监督意见已获答复",
        EN: "Your supervision opinion on '{project}' was answered",
    },
    "project.status_title": {
        ZH: "您关注的项目“{project}”状态变为 {status}",
        EN: "Project '{project}' you follow is now {status}",
    },
    "error.not_on_electorate": {
        ZH: "您不在本次投票的选民名单中。",
        EN: "You are not on this vote's electorate.",
    },
    "error.vote_not_open": {
        ZH: "投票尚未开始。",
        EN: "The vote has not opened yet.",
    },
    "error.vote_closed": {
        ZH: "投票已截止。",
        EN: "The vote is closed.",
    },
    "error.already_voted": {
        ZH: "您已投过票。",
        EN: "You have already voted.",
    },
    "error.too_many_choices": {
        ZH: "选择的项目过多。",
        EN: "Too many choices.",
    },
    "vote.invalid_transition": {
        ZH: "投票状态为 {from_status}，不能变为 {to_status}。",
        EN: "A vote that is {from_status} cannot become {to_status}.",
    },
    "vote.project_required": {
        ZH: "项目票决的每一项都必须是候选项目。",
        EN: "Every line of a project ballot must be a candidate project.",
    },
    "vote.duplicate_item": {
        ZH: "同一项目不能重复列入选票。",
        EN: "A project can be on the ballot only once.",
    },
    "vote.project_not_found": {
        ZH: "未找到该项目。",
        EN: "No such project.",
    },
    "vote.project_not_candidate": {
        ZH: "项目“{title}”不是候选项目，不能列入票决。",
        EN: "Project '{title}' is not a candidate: it cannot be on the ballot.",
    },
    "vote.project_no_longer_candidate": {
        ZH: "选票上有项目已不再是候选项目，请修改后再开始投票。",
        EN: "A project on the ballot is no longer a candidate: edit the ballot before opening.",
    },
    "vote.representative_not_found": {
        ZH: "该账号不是本街道的人大代表。",
        EN: "That account is not a representative of the street.",
    },
    "vote.one_motion": {
        ZH: "决议表决只能有一项议题。",
        EN: "A resolution has exactly one motion.",
    },
    "vote.no_items": {
        ZH: "选票至少需要一项。",
        EN: "A ballot needs at least one line.",
    },
    "vote.too_many_items": {
        ZH: "选票最多 {max} 项。",
        EN: "At most {max} lines per ballot.",
    },
    "vote.grid_not_found": {
        ZH: "未找到该网格。",
        EN: "No such grid.",
    },
    "vote.empty_roster": {
        ZH: "名单不能为空。",
        EN: "The roster is empty.",
    },
    "vote.roster_too_long": {
        ZH: "名单过长。",
        EN: "The roster is too long.",
    },
    "vote.not_a_member": {
        ZH: "名单中有账号不属于本街道。",
        EN: "An account on the roster is not a member of the street.",
    },
    "vote.mode": {
        ZH: "{kind} 不支持这种投票方式。",
        EN: "A {kind} vote cannot use that ballot mode.",
    },
    "vote.max_choices_required": {
        ZH: "请设置最多可选项数。",
        EN: "Set the maximum number of choices.",
    },
    "vote.closes_in_past": {
        ZH: "截止时间必须晚于当前时间。",
        EN: "The closing time must be in the future.",
    },
    "vote.schedule_order": {
        ZH: "截止时间必须晚于开始时间。",
        EN: "The vote must close after it opens.",
    },
    "vote.empty_electorate": {
        ZH: "选民范围内没有人，不能开始投票。",
        EN: "No one is on the electorate: the vote cannot open.",
    },
    "vote.not_open": {
        ZH: "投票尚未开始。",
        EN: "The vote has not opened yet.",
    },
    "vote.closed": {
        ZH: "投票已截止或已取消。",
        EN: "The vote is closed or cancelled.",
    },
    "vote.not_on_ballot": {
        ZH: "该项不在本次选票上。",
        EN: "That is not on this ballot.",
    },
    "vote.duplicate_mark": {
        ZH: "同一项只能填写一次。",
        EN: "Each line can be marked once.",
    },
    "vote.score_required": {
        ZH: "请为该项打分。",
        EN: "Give this line a score.",
    },
    "vote.approval_answer": {
        ZH: "勾选投票只需选择项目（YES）。",
        EN: "In an approval vote, only tick lines (YES).",
    },
    "vote.answer_required": {
        ZH: "请选择赞成、反对或弃权。",
        EN: "Answer YES, NO or ABSTAIN.",
    },
    "vote.too_many_choices": {
        ZH: "最多可选 {max} 项。",
        EN: "At most {max} choices.",
    },
    "vote.idempotency_key": {
        ZH: "幂等键长度须为 {min}–{max} 个可打印字符。",
        EN: "The idempotency key must be {min} to {max} printable characters.",
    },
    "vote.previous_receipt": {
        ZH: "您已投过票；如需改票，请提供上一张选票的回执码。",
        EN: "You have already voted: to change your ballot, give the receipt of the ballot it replaces.",
    },
    "vote.not_on_electorate": {
        ZH: "您不在本次投票的选民名单中。",
        EN: "You are not on this vote's electorate.",
    },
    "vote.already_voted": {
        ZH: "您已投过票，选票不能重复提交。",
        EN: "You have already voted: a ballot counts once.",
    },
    "vote.secret_participation": {
        ZH: "无记名投票截止前不显示谁已投票。",
        EN: "Who has voted in a secret vote is not shown before it closes.",
    },
    "vote.opened_title": {
        ZH: "投票开始：{title}",
        EN: "Vote open: {title}",
    },
    "vote.opened_body": {
        ZH: "请在 {closes}（北京时间）前完成投票。",
        EN: "Please vote before {closes} (Beijing time).",
    },
    "vote.opened_body_unscheduled": {
        ZH: "投票已开始，截止时间另行通知。",
        EN: "Voting is open; the closing time will be announced.",
    },
    "vote.closing_soon_title": {
        ZH: "投票即将截止：{title}",
        EN: "Vote closing soon: {title}",
    },
    "vote.closing_soon_body": {
        ZH: "您尚未投票，投票将于 {closes}（北京时间）截止。",
        EN: "You have not voted yet: the vote closes at {closes} (Beijing time).",
    },
    "vote.published_title": {
        ZH: "投票结果已公布：{title}",
        EN: "Result published: {title}",
    },
    "vote.published_body": {
        ZH: "可凭回执码在公示栏核对您的选票。",
        EN: "Check your ballot on the bulletin board with your receipt.",
    },
    "vote.cancelled_title": {
        ZH: "投票已取消：{title}",
        EN: "Vote cancelled: {title}",
    },
    "vote.cancelled_body": {
        ZH: "本次投票已取消，已投选票不计。",
        EN: "This vote was cancelled: its ballots are not counted.",
    },
    "vote.approved_reason": {
        ZH: "经“{title}”票决通过",
        EN: "Approved by the vote '{title}'",
    },
}


def negotiate(accept_language: str | None) -> str:
    """Pick zh-CN or en from an Accept-Language header (zh-CN when unsure)."""
    if not accept_language:
        return ZH
    ranked: list[tuple[float, str]] = []
    for part in accept_language.split(","):
        lang, _, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            weight = 0.0
        ranked.append((weight, lang.strip().lower()))
    for _, lang in sorted(ranked, key=lambda item: -item[0]):
        if lang.startswith("zh"):
            return ZH
        if lang.startswith("en"):
            return EN
    return ZH


def translate(key: str, locale: str = ZH, **params: Any) -> str:
    entry = MESSAGES.get(key)
    if entry is None:
        return key
    template = entry.get(locale) or entry[ZH]
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return template
