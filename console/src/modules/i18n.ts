// Every label of the console in both languages, in one place. Chinese first; the choice
// of English is kept in localStorage.
import type { Ref } from 'vue'
import { createI18n } from 'vue-i18n'

const zh = {
  app: { title: '区域化党建组织员工作台', short: '组织员工作台', lang: 'English', signOut: '退出登录' },
  nav: { dashboard: '总览', gaps: '问题清单', followUps: '整改台账', map: '地图', network: '关系网络', admin: '管理', import: '导入' },
  role: { admin: '管理员', organizer: '组织员', viewer: '查看人员', service: '系统账号' },
  signIn: {
    title: '登录', subtitle: '区域化党建组织网络', name: '账号', password: '密码', submit: '登录',
    bad: '账号或密码错误', slow: '尝试次数过多，请 {s} 秒后再试', needName: '请输入账号', needPassword: '请输入密码',
    failed: '登录失败：{m}',
  },
  dash: {
    area: '区域', date: '统计日期', rates: '覆盖率', organization: '组织覆盖', leadership: '班子覆盖',
    team: '队伍覆盖', covered: '已覆盖 {c} / 应覆盖 {t}', none: '无对象', children: '本区域及下级区域',
    gapCounts: '各类问题数', rule: '问题类别', total: '问题合计', trend: '近 12 个月覆盖率走势',
    monthEnd: '月末', areaName: '区域', drill: '查看下级', thisArea: '（本级）',
  },
  gaps: {
    title: '问题清单', rule: '问题规则', area: '区域', date: '统计日期', search: '按名称或编号查找',
    name: '对象', kind: '类型', where: '所在区域', impact: '影响', related: '相关对象', why: '问题说明',
    fix: '整改建议', total: '共 {n} 条', download: '下载', empty: '没有此类问题', searching: '正在查找全部问题…',
    whoCovers: '谁来覆盖', whoCoversViewer: '查看人员不能指派', closed: '{m}；该问题已关闭', stillOpen: '{m}；该问题仍在清单中',
  },
  assign: {
    title: '谁来覆盖：{name}', officers: '可选派的党建指导员、联络员', orgs: '可覆盖的党组织',
    pool: '候选范围：{pool}', order: '就近优先、负担最轻，显示 {n} / {total}', candidate: '候选',
    kind: '类型', officer: '人员', load: '负担', where: '就近区域', why: '推荐理由', action: '操作', assign: '指派',
    whyOfficer: '已在该区域联系 {n} 个对象', whyOrg: '已在该区域覆盖 {n} 个对象', none: '没有候选',
    failed: '指派失败：{m}', doneCovers: '已指派：{who} 覆盖 {what}',
    doneAssigned: '已指派：{who} 联系 {what}',
  },
  entity: {
    fields: '基本信息', supporters: '支持者', graph: '支持网络', table: '支持关系', supporter: '支持者',
    channel: '渠道', path: '支持路径', since: '起始', until: '截止', total: '共 {n} 条支持关系',
    field: '字段', value: '值', outside: '（超出权限范围）', more: '仅显示前 {n} 条',
  },
  entityEdit: {
    edit: '编辑', save: '保存', cancel: '取消', choose: '请选择', required: '请填写{f}', reload: '刷新',
    stale: '已被他人修改，请刷新', failed: '保存失败：{m}', fix: '请按字段旁的提示修改', nothing: '没有修改',
    saved: '已保存', readOnly: '只读：您的角色不能修改',
  },
  portfolio: {
    title: '联系包挂/负载', load: '负载：支持 {n} 个对象', capacity: '（包挂上限 {c}）', over: '超出上限',
    target: '支持对象', none: '当前没有联系包挂的对象',
  },
  history: {
    title: '变更记录', at: '时间', actor: '操作人', action: '操作', change: '变更内容', none: '没有变更记录',
    older: '更早的记录', redacted: '部分内容涉及您权限范围外的对象，已隐去',
    actions: {
      node_create: '新建', node_update: '修改', node_delete: '删除', rel_create: '建立关系', rel_update: '修改关系',
      rel_delete: '删除关系', follow_up_add: '登记整改', follow_up_update: '更新整改',
    },
  },
  category: {
    organization: '组织覆盖', leadership: '班子覆盖', team: '队伍覆盖', horizontal: '横向联动',
    vertical: '纵向贯通', schedule: '时限管理',
  },
  kind: {
    Area: '区域', Unit: '单位', Building: '楼宇', Park: '园区', PartyOrg: '党组织', Person: '人员',
    Committee: '工委', Project: '项目', Meeting: '会议', ServicePost: '服务岗位', Station: '党群服务中心', '*': '多种',
  },
  followUp: {
    title: '整改台账', id: '台账编号', gap: '问题', handler: '责任人', due: '整改期限', status: '状态', notes: '备注',
    overdue: '逾期', onlyOverdue: '只看逾期', anyStatus: '全部状态', empty: '没有登记的整改事项', edit: '更新',
    takeUp: '跟进', takeUpTitle: '登记整改：{name}', editTitle: '更新整改台账 {id}', save: '保存', cancel: '取消',
    needHandler: '请填写责任人', failed: '保存失败：{m}', saved: '已保存 {id}（{status}）',
    takenUp: '已登记整改台账 {id}，责任人 {handler}，期限 {due}', onlyToday: '只能跟进今天仍存在的问题',
    closedNow: '问题已消除，本次自动销号 {n} 条', dashTitle: '逾期未整改', dashNone: '没有逾期的整改事项', all: '查看整改台账',
    st: { open: '待整改', in_progress: '整改中', closed: '已销号' },
    reason: { gap_gone: '问题消除自动销号', by_hand: '手动销号', null: '' },
  },
  admin: {
    title: '管理', accounts: '账号', audit: '审计日志', add: '新建账号', name: '账号名', role: '角色', areas: '负责区域',
    areasHint: '区域编号，多个用逗号分隔', everywhere: '全部（管理员）', key: 'API 密钥', password: '登录密码', state: '状态',
    yes: '已设置', no: '未设置', active: '正常', revokedState: '已吊销', setPassword: '设置密码', revoke: '吊销',
    confirmRevoke: '吊销账号 {name}？其密钥与登录会话立即失效', keyOnce: '新账号的 API 密钥只显示这一次，请妥善保存：',
    added: '已新建账号 {name}', passwordSet: '已为 {name} 设置密码，其登录会话已结束', revoked: '已吊销账号 {name}',
    passwordTitle: '设置 {name} 的登录密码', passwordRule: '至少 8 个字符，不能与账号名相同',
    actor: '操作人', action: '操作', target: '对象', filter: '筛选', verify: '校验哈希链', at: '时间', change: '内容',
    chainOk: '哈希链完整：已校验 {n} 条', chainBad: '发现问题：{p}', noEvents: '没有记录', newer: '较新', older: '较早',
    onlyAdmins: '仅管理员可管理账号与查看审计日志',
  },
  map: {
    title: '地图', anyRule: '全部对象（可按问题筛选）', circles: '显示服务圈', uncovered: '未覆盖', no_officer: '无指导员/联络员',
    covered: '已覆盖', station: '党群服务阵地', noBasemap: '未配置底图（MAP_TILE_URL）', uncoveredList: '未覆盖对象',
    none: '没有未覆盖的对象', open: '打开详情', pickArea: '请选择区域',
  },
  network: {
    title: '关系网络', kinds: '节点类型', rels: '关系类型', allRels: '全部关系', gaps: '问题对象（红圈）',
    nodes: '{n} 个节点、{e} 条关系', truncated: '节点超过 {n} 个，只显示前 {n} 个（先舍去人员）', center: '中心',
    aggregated: '汇总视图：各下级区域，圆的大小为单位数，颜色为组织覆盖率；点击进入该区域的关系网络',
    units: '单位 {n} 个', rate: '组织覆盖率 {r}', gapCount: '问题 {n} 个', noRate: '无覆盖率数据', up: '返回上级',
    detail: '点击节点打开详情；滚轮缩放、拖动平移', pickArea: '请选择区域', hasGaps: '有问题',
  },
  import: {
    title: '导入数据', intro: '上传 XLSX 或 CSV 文件（也可 XLS、ODS、JSON、YAML）。先检查：列出将新建、更新和保持不变的行以及发现的问题，此时不写入任何数据；确认后才导入。有任何错误则一行也不写入。',
    template: '空白模板（每种数据一个工作表，含示例行）：graph-service template 模板.xlsx', pick: '选择文件',
    drop: '将文件拖到此处，或', browse: '点击选择', accept: '支持 .xlsx .xls .ods .csv .json .yaml；CSV 的文件名即表名，如 单位.csv、隶属区域.csv；区域边界可附 .geojson',
    check: '检查（不写入）', clear: '清空', cancel: '取消上传', uploading: '正在上传 {sent} / {total}',
    checking: '服务器正在读取和校验…', writing: '服务器正在写入…', building: '正在生成错误工作簿…', preview: '检查结果',
    result: '导入结果', okPreview: '检查通过，尚未写入：确认后将新建 {created} 条、更新 {updated} 条，{unchanged} 条保持不变',
    badPreview: '发现 {n} 个问题，未写入任何数据。请按下表修改文件后重新检查', done: '已导入：新建 {created} 条、更新 {updated} 条，{unchanged} 条保持不变',
    failed: '未写入任何数据：{m}', unsure: '导入未完成：{m}。可能已写入部分数据，请重新检查同一文件，核对将新建、更新的行', network: '连接中断', nodes: '实体', rels: '关系', kind: '类型', created: '新建', updated: '更新',
    unchanged: '不变', rejected: '有误', warnings: '提醒：{n} 行可能并非本意，请核对（不影响导入）', problems: '问题（{n} 个）',
    file: '文件', sheet: '工作表', row: '行', column: '字段', value: '值', reason: '原因', workbook: '下载错误工作簿',
    workbookName: '导入错误.xlsx', workbookHint: '上传的各行加“错误原因”列，出错单元格标红，可转给填表人修改',
    confirm: '确认导入', again: '导入其他文件', viewer: '查看人员只能查看，不能导入', files: '文件', filesLine: '文件：{names}', remove: '移除', nothing: '没有数据行',
    noWorkbook: '没有问题，无需错误工作簿', state: { preview: '预检', written: '已写入', refused: '未写入' },
  },
  rel: {
    PART_OF: '隶属区域', LOCATED_IN: '位于', UNDER: '上级党组织', COVERS: '覆盖', ESTABLISHED_IN: '建在单位', LEADS: '领导',
    MEMBER_UNIT_OF: '成员单位', SERVES_ON: '兼职委员', MEMBER_OF: '党员隶属', EMPLOYED_BY: '工作单位', ASSIGNED_TO: '联系包挂',
    PAIRED_WITH: '结对共建', REPORTED_TO: '在职党员报到', HOLDS: '认岗', VOLUNTEERS_IN: '志愿服务', CLAIMED: '项目认领',
    SERVES: '服务区域', OF: '会议所属', INCUBATES: '孵化',
  },
  common: { loading: '加载中…', error: '出错了：{m}', back: '返回', notFound: '未找到' },
}

type Messages = typeof zh

const en: Messages = {
  app: { title: 'Party-building organizer console', short: 'Organizer console', lang: '中文', signOut: 'Sign out' },
  nav: { dashboard: 'Dashboard', gaps: 'Gap lists', followUps: 'Follow-ups', map: 'Map', network: 'Network', admin: 'Administration', import: 'Import' },
  role: { admin: 'Admin', organizer: 'Organizer', viewer: 'Viewer', service: 'Service' },
  signIn: {
    title: 'Sign in', subtitle: 'Regional party-building network', name: 'Account', password: 'Password',
    submit: 'Sign in', bad: 'Wrong account or password', slow: 'Too many attempts: try again in {s} s',
    needName: 'Enter the account', needPassword: 'Enter the password', failed: 'Sign-in failed: {m}',
  },
  dash: {
    area: 'Area', date: 'As of', rates: 'Coverage', organization: 'Organization', leadership: 'Leadership',
    team: 'Team', covered: '{c} of {t} covered', none: 'nothing to cover', children: 'This area and its child areas',
    gapCounts: 'Gaps of each kind', rule: 'Gap kind', total: 'All gaps', trend: 'Coverage over the last 12 month-ends',
    monthEnd: 'Month-end', areaName: 'Area', drill: 'Open', thisArea: ' (this area)',
  },
  gaps: {
    title: 'Gap lists', rule: 'Rule', area: 'Area', date: 'As of', search: 'Find by name or id',
    name: 'Subject', kind: 'Kind', where: 'Where', impact: 'Impact', related: 'Related', why: 'Why a gap',
    fix: 'What closes it', total: '{n} in all', download: 'Download', empty: 'No gaps of this kind',
    searching: 'Searching every gap…', whoCovers: 'Who should cover', whoCoversViewer: 'Viewers cannot assign',
    closed: '{m}; the gap is closed', stillOpen: '{m}; the gap is still listed',
  },
  assign: {
    title: 'Who should cover {name}', officers: 'Instructors and liaison officers to assign', orgs: 'Party organizations that could cover it',
    pool: 'from {pool}', order: 'nearest first, then the lightest load: {n} of {total}', candidate: 'Candidate',
    kind: 'Kind', officer: 'Officer', load: 'Load', where: 'Nearest area', why: 'Why', action: 'Action', assign: 'Assign',
    whyOfficer: 'assigned to {n} there already', whyOrg: 'covers {n} there already', none: 'No candidates',
    failed: 'Not assigned: {m}', doneCovers: 'Assigned: {who} covers {what}',
    doneAssigned: 'Assigned: {who} takes {what}',
  },
  entity: {
    fields: 'Fields', supporters: 'Supporters', graph: 'Support network', table: 'Support paths',
    supporter: 'Supporter', channel: 'Channel', path: 'Path', since: 'Since', until: 'Until',
    total: '{n} supporting relationships', field: 'Field', value: 'Value', outside: '(outside your areas)',
    more: 'the first {n} only',
  },
  entityEdit: {
    edit: 'Edit', save: 'Save', cancel: 'Cancel', choose: 'Choose', required: '{f} is required', reload: 'Reload',
    stale: 'Someone else changed it: reload', failed: 'Not saved: {m}', fix: 'Correct the fields as marked',
    nothing: 'Nothing changed', saved: 'Saved', readOnly: 'Read-only: your role cannot change it',
  },
  portfolio: {
    title: 'Portfolio and load', load: 'Load: supports {n}', capacity: ' (capacity {c})', over: 'Over capacity',
    target: 'Supports', none: 'Supports nothing now',
  },
  history: {
    title: 'History', at: 'When', actor: 'Who', action: 'Action', change: 'Change', none: 'No changes recorded',
    older: 'Older', redacted: 'Part of it names what lies outside your areas and is withheld',
    actions: {
      node_create: 'Created', node_update: 'Changed', node_delete: 'Deleted', rel_create: 'Joined', rel_update: 'Relationship changed',
      rel_delete: 'Relationship deleted', follow_up_add: 'Taken up', follow_up_update: 'Follow-up changed',
    },
  },
  category: {
    organization: 'Organization', leadership: 'Leadership', team: 'Team', horizontal: 'Horizontal',
    vertical: 'Vertical', schedule: 'Schedule',
  },
  kind: {
    Area: 'Area', Unit: 'Unit', Building: 'Building', Park: 'Park', PartyOrg: 'Party organization',
    Person: 'Person', Committee: 'Committee', Project: 'Project', Meeting: 'Meeting', ServicePost: 'Service post',
    Station: 'Service centre', '*': 'Several',
  },
  followUp: {
    title: 'Follow-ups', id: 'Id', gap: 'Gap', handler: 'Handler', due: 'Due', status: 'Status', notes: 'Notes',
    overdue: 'Overdue', onlyOverdue: 'Overdue only', anyStatus: 'Any status', empty: 'Nothing taken up', edit: 'Update',
    takeUp: 'Take up', takeUpTitle: 'Take up: {name}', editTitle: 'Update follow-up {id}', save: 'Save', cancel: 'Cancel',
    needHandler: 'Who handles it?', failed: 'Not saved: {m}', saved: 'Saved {id} ({status})',
    takenUp: 'Taken up as {id}: {handler}, due {due}', onlyToday: 'Only gaps that exist today can be taken up',
    closedNow: '{n} closed now: their gaps are gone', dashTitle: 'Overdue follow-ups', dashNone: 'Nothing overdue', all: 'All follow-ups',
    st: { open: 'Open', in_progress: 'In progress', closed: 'Closed' },
    reason: { gap_gone: 'gap gone, closed by itself', by_hand: 'closed by hand', null: '' },
  },
  admin: {
    title: 'Administration', accounts: 'Accounts', audit: 'Audit trail', add: 'Add an account', name: 'Name', role: 'Role',
    areas: 'Areas', areasHint: 'Area ids, separated by commas', everywhere: 'Everywhere (admin)', key: 'API key',
    password: 'Password', state: 'State', yes: 'set', no: 'not set', active: 'Active', revokedState: 'Revoked',
    setPassword: 'Set password', revoke: 'Revoke', confirmRevoke: 'Revoke {name}? Its key and sessions stop at once',
    keyOnce: 'The new account\'s API key, shown this once: keep it safe.', added: 'Added {name}',
    passwordSet: 'Password of {name} set; its sessions ended', revoked: 'Revoked {name}',
    passwordTitle: 'Set the password of {name}', passwordRule: '8 characters or more, not the account\'s name',
    actor: 'Actor', action: 'Action', target: 'Target', filter: 'Filter', verify: 'Verify the chain', at: 'When',
    change: 'Change', chainOk: 'Chain intact: {n} events checked', chainBad: 'Problems: {p}', noEvents: 'No events',
    newer: 'Newer', older: 'Older', onlyAdmins: 'Only admins manage accounts and read the audit trail',
  },
  map: {
    title: 'Map', anyRule: 'Every place (or one rule)', circles: 'Service circles', uncovered: 'Uncovered',
    no_officer: 'No officer', covered: 'Covered', station: 'Service centres', noBasemap: 'No basemap configured (MAP_TILE_URL)',
    uncoveredList: 'Uncovered places', none: 'Nothing uncovered', open: 'Open', pickArea: 'Choose an area',
  },
  network: {
    title: 'Network', kinds: 'Kinds', rels: 'Relationships', allRels: 'All relationships', gaps: 'With gaps (red ring)',
    nodes: '{n} nodes, {e} relationships', truncated: 'More than {n} nodes: the first {n} are shown (persons left out first)', center: 'Centre',
    aggregated: 'Aggregated: each child area, sized by its units and coloured by organization coverage; click one to open its network',
    units: '{n} units', rate: 'organization coverage {r}', gapCount: '{n} gaps', noRate: 'no coverage figure', up: 'Up one level',
    detail: 'Click a node to open it; scroll to zoom, drag to pan', pickArea: 'Choose an area', hasGaps: 'has gaps',
  },
  import: {
    title: 'Import', intro: 'Upload XLSX or CSV files (XLS, ODS, JSON and YAML too). Check first: the rows to create, update and leave unchanged and every problem are listed, and nothing is written; only Confirm imports. A file with any error writes nothing at all.',
    template: 'A blank template (a sheet per kind, with example rows): graph-service template template.xlsx', pick: 'Choose files',
    drop: 'Drop files here, or ', browse: 'choose', accept: '.xlsx .xls .ods .csv .json .yaml; a CSV file\'s name names its table, e.g. units.csv, part_of.csv; areas\' boundaries in a .geojson beside them',
    check: 'Check (writes nothing)', clear: 'Clear', cancel: 'Cancel upload', uploading: 'Uploading {sent} of {total}',
    checking: 'The server reads and checks the rows…', writing: 'The server writes the rows…', building: 'Making the error workbook…', preview: 'Preview',
    result: 'Result', okPreview: 'No problems; nothing written yet. Confirm creates {created}, updates {updated} and leaves {unchanged} unchanged',
    badPreview: '{n} problem(s): nothing was written. Fix the file at the rows below and check again', done: 'Imported: {created} created, {updated} updated, {unchanged} unchanged',
    failed: 'Nothing was written: {m}', unsure: 'The import did not finish: {m}. Part of the rows may be written: check the same files again to see what is still to create or update', network: 'the connection was lost', nodes: 'Entities', rels: 'Relationships', kind: 'Kind', created: 'Create', updated: 'Update',
    unchanged: 'Unchanged', rejected: 'Bad', warnings: 'Check these {n} row(s): probably not meant (they do not stop the import)', problems: 'Problems ({n})',
    file: 'File', sheet: 'Sheet', row: 'Row', column: 'Field', value: 'Value', reason: 'Reason', workbook: 'Download the error workbook',
    workbookName: 'import-errors.xlsx', workbookHint: 'the uploaded rows with a reason column and the bad cells marked, to send to whoever filled them in',
    confirm: 'Confirm the import', again: 'Import other files', viewer: 'Viewers can read but not import', files: 'Files', filesLine: 'Files: {names}', remove: 'Remove', nothing: 'No rows',
    noWorkbook: 'No problems: no error workbook', state: { preview: 'Preview', written: 'Written', refused: 'Not written' },
  },
  rel: {
    PART_OF: 'Part of', LOCATED_IN: 'Located in', UNDER: 'Under', COVERS: 'Covers', ESTABLISHED_IN: 'Established in', LEADS: 'Leads',
    MEMBER_UNIT_OF: 'Member unit of', SERVES_ON: 'Serves on', MEMBER_OF: 'Member of', EMPLOYED_BY: 'Employed by', ASSIGNED_TO: 'Assigned to',
    PAIRED_WITH: 'Paired with', REPORTED_TO: 'Reported to', HOLDS: 'Holds', VOLUNTEERS_IN: 'Volunteers in', CLAIMED: 'Claimed',
    SERVES: 'Serves', OF: 'Of (meeting)', INCUBATES: 'Incubates',
  },
  common: { loading: 'Loading…', error: 'Error: {m}', back: 'Back', notFound: 'Not found' },
}

export type Locale = 'zh' | 'en'
const saved = localStorage.getItem('console.locale')

export const i18n = createI18n<[Messages], Locale>({
  legacy: false,
  locale: saved === 'en' ? 'en' : 'zh',
  fallbackLocale: 'zh',
  messages: { zh, en },
})

export function setLocale(locale: Locale): void {
  // legacy: false makes it a ref (the generic type does not say so)
  ;(i18n.global.locale as unknown as Ref<Locale>).value = locale
  localStorage.setItem('console.locale', locale)
  document.documentElement.lang = locale === 'zh' ? 'zh-CN' : 'en'
}

function current(): Locale {
  return (i18n.global.locale as unknown as Ref<Locale>).value
}

/** A note after a word, in the current language's brackets: 名称（类型） or Name (kind). */
export function bracketed(text: string): string {
  return current() === 'zh' ? `（${text}）` : ` (${text})`
}

/** Names in a row, in the current language's way: 甲、乙 or A, B. */
export function listed(items: readonly string[]): string {
  return items.join(current() === 'zh' ? '、' : ', ')
}

const MARKS = {
  zh: { colon: '：', comma: '，', semicolon: '；' },
  en: { colon: ': ', comma: ', ', semicolon: '; ' },
} as const

/** The current language's punctuation between the parts of a line. */
export function mark(kind: keyof (typeof MARKS)['zh']): string {
  return MARKS[current()][kind]
}
