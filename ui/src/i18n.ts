// Every string the interface shows, Chinese first. Each entry holds both languages side by side
// so a missing translation is a type error rather than a blank label.
import { createContext, useContext } from 'react';
import type { CertificateKind } from './bindings/CertificateKind';
import type { DocumentKind } from './bindings/DocumentKind';
import type { SignerRole } from './bindings/SignerRole';
import type { Verdict } from './bindings/Verdict';
import type { EnterpriseSize } from './bindings/EnterpriseSize';
import type { Industry } from './bindings/Industry';
import type { ManagementDocument } from './bindings/ManagementDocument';
import type { Message } from './bindings/Message';
import type { ServiceType } from './bindings/ServiceType';
import type { StaffRole } from './bindings/StaffRole';
import type { HazardCategory } from './bindings/HazardCategory';
import type { HazardEventKind } from './bindings/HazardEventKind';
import type { HazardLevel } from './bindings/HazardLevel';
import type { HazardStatus } from './bindings/HazardStatus';
import type { ItemResult } from './bindings/ItemResult';
import type { VisitKind } from './bindings/VisitKind';

export type Lang = 'zh' | 'en';
type Pair = { zh: string; en: string };

const TEXT = {
  appTitle: { zh: 'SafeServe 安全服务监管', en: 'SafeServe Safety Service Supervision' },
  langToggle: { zh: 'English', en: '中文' },
  countsSummary: {
    zh: '企业 {enterprises} · 机构 {agencies} · 人员 {people} · 合同 {contracts}',
    en: '{enterprises} enterprises · {agencies} agencies · {people} people · {contracts} contracts',
  },
  dbErrorTitle: { zh: '无法打开数据库', en: 'The database could not be opened' },
  dbPath: { zh: '数据库文件', en: 'Database file' },
  errorCode: { zh: '错误代码', en: 'Error code' },
  back: { zh: '返回', en: 'Back' },
  none: { zh: '—', en: '—' },
  yes: { zh: '是', en: 'Yes' },
  no: { zh: '否', en: 'No' },
  save: { zh: '保存', en: 'Save' },
  cancel: { zh: '取消', en: 'Cancel' },
  retry: { zh: '重试', en: 'Retry' },
  required: { zh: '必填', en: 'Required' },
  invalidFormat: { zh: '格式不正确', en: 'Invalid format' },
  notFound: { zh: '未找到该记录', en: 'Record not found' },
  noResults: { zh: '没有符合条件的记录', en: 'No matching records' },
  resultCount: { zh: '共 {n} 条', en: '{n} results' },
  resultLimited: { zh: '仅显示前 {n} 条，请缩小搜索范围', en: 'Showing the first {n}; narrow the search to see others' },
  withNote: { zh: '{label}（{note}）', en: '{label} ({note})' },

  navEnterprises: { zh: '企业', en: 'Enterprises' },
  navAgencies: { zh: '服务机构', en: 'Agencies' },
  navPeople: { zh: '从业人员', en: 'People' },

  // Enterprises
  enterpriseSearchPlaceholder: {
    zh: '搜索企业名称、信用代码、地址',
    en: 'Search name, credit code, address',
  },
  filterDivision: { zh: '属地（区县/街道）', en: 'Division (district/township)' },
  filterIndustry: { zh: '行业', en: 'Industry' },
  highRiskOnly: { zh: '仅高危', en: 'High-risk only' },
  highRisk: { zh: '高危', en: 'High-risk' },
  addEnterprise: { zh: '新增企业', en: 'Add enterprise' },
  colName: { zh: '名称', en: 'Name' },
  colCreditCode: { zh: '统一社会信用代码', en: 'Credit code' },
  colDivision: { zh: '属地', en: 'Division' },
  colIndustry: { zh: '行业', en: 'Industry' },
  colSize: { zh: '规模', en: 'Size' },
  colPark: { zh: '园区', en: 'Park' },
  colPersonName: { zh: '姓名', en: 'Name' },
  colAddress: { zh: '地址', en: 'Address' },

  // New enterprise form
  newEnterpriseTitle: { zh: '新增企业', en: 'Add enterprise' },
  fieldCreditCode: { zh: '统一社会信用代码', en: 'Unified social credit code' },
  fieldName: { zh: '企业名称', en: 'Enterprise name' },
  fieldAddress: { zh: '地址', en: 'Address' },
  fieldDivision: { zh: '属地（区县/街道）', en: 'Division (district/township)' },
  fieldIndustry: { zh: '行业', en: 'Industry' },
  fieldSize: { zh: '企业规模', en: 'Size' },
  fieldPark: { zh: '所在园区', en: 'Industrial park' },
  fieldParkPlaceholder: { zh: '不在园区可留空', en: 'Leave empty if not in a park' },
  fieldPrincipal: { zh: '主要负责人', en: 'Principal' },
  fieldSafetyContact: { zh: '安全联系人', en: 'Safety contact' },
  fieldPhone: { zh: '联系电话', en: 'Phone' },
  enterpriseAdded: { zh: '已新增企业：{name}', en: 'Enterprise added: {name}' },

  // Enterprise file
  enterpriseFileTitle: { zh: '一企一档', en: 'Enterprise file' },
  profile: { zh: '基本信息', en: 'Profile' },
  servingAgencies: { zh: '服务机构', en: 'Serving agencies' },
  noServingAgencies: { zh: '当前没有在服务期内的机构', en: 'No agency serves this enterprise today' },
  contracts: { zh: '服务合同', en: 'Service contracts' },
  colAgency: { zh: '服务机构', en: 'Agency' },
  colEnterprise: { zh: '企业', en: 'Enterprise' },
  colServiceTypes: { zh: '服务类型', en: 'Service types' },
  colTerm: { zh: '服务期限', en: 'Term' },
  colVisits: { zh: '频次（次/年）', en: 'Visits / year' },
  colFee: { zh: '费用', en: 'Fee' },
  colFiled: { zh: '报备', en: 'Filed' },
  colGovernment: { zh: '政府委托', en: 'Gov. commissioned' },
  colActive: { zh: '状态', en: 'Status' },
  contractActive: { zh: '履行中', en: 'In force' },
  contractInactive: { zh: '已终止/未生效', en: 'Not in force' },
  filed: { zh: '已报备', en: 'Filed' },
  notFiled: { zh: '未报备', en: 'Not filed' },
  termRange: { zh: '{from} 至 {to}', en: '{from} – {to}' },
  contractContent: { zh: '服务内容', en: 'Content' },
  acceptanceStandard: { zh: '验收标准', en: 'Acceptance standard' },

  // Agencies
  agencySearchPlaceholder: {
    zh: '搜索机构名称、信用代码',
    en: 'Search agency name, credit code',
  },
  colStaffCount: { zh: '人员数', en: 'Staff' },
  colR1: { zh: '机构条件（R1）', en: 'Conditions (R1)' },
  r1Met: { zh: '符合', en: 'Meets' },
  r1Unmet: { zh: '不符合 {n} 项', en: '{n} unmet' },
  agencyDetailTitle: { zh: '服务机构', en: 'Agency' },
  officeArea: { zh: '办公面积', en: 'Office area' },
  officeAreaValue: { zh: '{n} 平方米', en: '{n} m²' },
  serviceTypes: { zh: '服务类型', en: 'Service types' },
  highRiskIndustries: { zh: '服务高危行业', en: 'High-risk industries served' },
  platformRegistered: { zh: '省平台登记', en: 'Provincial platform' },
  registered: { zh: '已登记', en: 'Registered' },
  notRegistered: { zh: '未登记', en: 'Not registered' },
  documents: { zh: '管理文件', en: 'Management documents' },
  r1AllMet: { zh: '符合 R1 全部条件', en: 'Meets every R1 condition' },
  r1UnmetTitle: { zh: '不符合 R1 条件 {n} 项', en: '{n} R1 conditions not met' },
  staff: { zh: '从业人员', en: 'Staff' },

  // People
  peopleSearchPlaceholder: {
    zh: '搜索姓名、身份证号后四位、证书编号',
    en: 'Search name, ID number digits, certificate number',
  },
  addPerson: { zh: '新增人员', en: 'Add person' },
  colIdNumber: { zh: '身份证号', en: 'ID number' },
  colPhone: { zh: '电话', en: 'Phone' },
  colEmployments: { zh: '所在机构与岗位', en: 'Agencies and roles' },
  colRole: { zh: '岗位', en: 'Role' },
  colFullTime: { zh: '专职', en: 'Full-time' },
  colCertificates: { zh: '证书', en: 'Certificates' },
  colCapability: { zh: '能力测试', en: 'Capability test' },
  fullTime: { zh: '专职', en: 'Full-time' },
  partTime: { zh: '兼职', en: 'Part-time' },
  capabilityPassed: { zh: '通过', en: 'Passed' },
  capabilityFailed: { zh: '未通过', en: 'Failed' },
  capabilityUntested: { zh: '未测', en: 'Not tested' },
  certExpired: { zh: '已过期', en: 'expired' },
  certExpiringSoon: { zh: '即将到期', en: 'expiring soon' },
  certExpires: { zh: '有效期至 {date}', en: 'valid until {date}' },
  certNoExpiry: { zh: '长期有效', en: 'no expiry' },
  certIssuer: { zh: '发证机关：{issuer}', en: 'Issued by {issuer}' },
  alsoClaimedBy: { zh: '也被 {names} 声明', en: 'also claimed by {names}' },

  // New person form
  newPersonTitle: { zh: '新增人员', en: 'Add person' },
  fieldIdNumber: { zh: '身份证号', en: 'ID-card number' },
  fieldPersonName: { zh: '姓名', en: 'Name' },
  fieldAgency: { zh: '所在机构', en: 'Agency' },
  fieldAgencyPlaceholder: { zh: '输入机构名称搜索', en: 'Type to search agencies' },
  fieldRole: { zh: '岗位', en: 'Role' },
  fieldFullTime: { zh: '专职', en: 'Full-time' },
  personAdded: { zh: '已新增人员：{name}', en: 'Person added: {name}' },

  // Visits
  navVisits: { zh: '检查记录', en: 'Visits' },
  importTemplate: { zh: '导入检查表', en: 'Import checklist' },
  templateImported: { zh: '已导入检查表：{title}（第 {version} 版）', en: 'Checklist imported: {title} (v{version})' },
  templateAlreadyThere: { zh: '该检查表已存在，未改动：{title}（第 {version} 版）', en: 'Already there, unchanged: {title} (v{version})' },
  unfinishedVisits: { zh: '未完成的检查', en: 'Unfinished visits' },
  recentVisits: { zh: '最近的检查', en: 'Recent visits' },
  resume: { zh: '继续', en: 'Resume' },
  open: { zh: '查看', en: 'Open' },
  startVisit: { zh: '开始检查', en: 'Start a visit' },
  inspectAgency: { zh: '机构检查', en: 'Inspect agency' },
  fieldVisitKind: { zh: '检查类型', en: 'Kind of visit' },
  fieldTemplate: { zh: '检查表', en: 'Checklist' },
  fieldPeople: { zh: '派出人员', en: 'People sent' },
  fieldPeoplePlaceholder: { zh: '输入姓名搜索', en: 'Type a name to search' },
  fieldPlace: { zh: '检查地点', en: 'Place' },
  fieldPlacePlaceholder: { zh: '如：二号车间、原料仓库', en: 'e.g. workshop 2, raw-material store' },
  locate: { zh: '获取定位', en: 'Locate' },
  located: { zh: '定位：{lat}, {lon}', en: 'Located: {lat}, {lon}' },
  noLocation: { zh: '本机无法定位，请手动填写地点', en: 'This laptop cannot locate itself; enter the place by hand' },
  mismatchTitle: { zh: '派出人员与服务内容不匹配（R7）', en: 'The people sent do not fit the work (R7)' },
  mismatchReason: { zh: '仍要开始的理由', en: 'Reason to go ahead anyway' },
  mismatchReasonPlaceholder: { zh: '将随检查记录一并保存', en: 'Kept with the visit record' },
  capabilityOk: { zh: '派出人员与服务内容相符', en: 'The people sent fit the work' },
  visitTitle: { zh: '{kind} · {target}', en: '{kind} · {target}' },
  startedAt: { zh: '开始时间', en: 'Started' },
  endedAt: { zh: '结束时间', en: 'Ended' },
  inProgress: { zh: '进行中', en: 'In progress' },
  ended: { zh: '已结束', en: 'Ended' },
  checklist: { zh: '检查项目', en: 'Checklist' },
  basis: { zh: '依据', en: 'Basis' },
  note: { zh: '备注', en: 'Note' },
  notePlaceholder: { zh: '现场情况说明', en: 'What was seen' },
  savedAt: { zh: '已保存', en: 'Saved' },
  saving: { zh: '保存中…', en: 'Saving…' },
  answered: { zh: '已填 {n}/{total} 项', en: '{n} of {total} answered' },
  endVisit: { zh: '结束检查', en: 'End visit' },
  visitEnded: { zh: '检查已结束，记录已锁定', en: 'The visit has ended; its record is locked' },
  assessment: { zh: '总体评估', en: 'Overall assessment' },
  servicePlan: { zh: '服务细化方案（派出人员、专业、等级）', en: 'Service plan (staff sent, specialty, grade)' },
  schedule: { zh: '服务安排', en: 'Schedule' },
  specialty: { zh: '专业', en: 'Specialty' },
  grade: { zh: '等级', en: 'Grade' },
  addRow: { zh: '添加', en: 'Add' },
  hazards: { zh: '隐患', en: 'Hazards' },
  hazardsOfVisit: { zh: '本次发现的隐患（重大隐患在前）', en: 'Hazards found (major first)' },
  noHazards: { zh: '没有隐患', en: 'No hazards' },
  addHazard: { zh: '新增隐患', en: 'Add hazard' },
  proposedHazard: { zh: '不符合项生成隐患', en: 'Hazard from the failed item' },
  registerHazard: { zh: '登记隐患', en: 'Record hazard' },
  hazardDescription: { zh: '隐患描述', en: 'Description' },
  hazardLocation: { zh: '隐患部位', en: 'Location' },
  hazardCategory: { zh: '类别', en: 'Category' },
  hazardLevel: { zh: '等级', en: 'Level' },
  hazardMeasure: { zh: '整改措施', en: 'Measure' },
  hazardDeadline: { zh: '整改期限', en: 'Deadline' },
  hazardResponsible: { zh: '整改责任人', en: 'Responsible' },
  hazardState: { zh: '状态', en: 'State' },
  overdue: { zh: '已逾期', en: 'Overdue' },
  reportedToGov: { zh: '已报告属地政府', en: 'Reported to government' },
  escalated: { zh: '已升级督办', en: 'Escalated' },
  photosBefore: { zh: '整改前照片', en: 'Before' },
  photosAfter: { zh: '整改后照片', en: 'After' },
  addPhoto: { zh: '添加照片', en: 'Add photo' },
  dropPhotos: { zh: '或将照片拖到此处（JPG/PNG）', en: 'or drop photos here (JPG/PNG)' },
  photoAdded: { zh: '照片已保存', en: 'Photo saved' },
  photoLookAlike: { zh: '注意：该照片与已有照片几乎相同，可能被重复使用', en: 'Note: this photo looks the same as one already held' },
  openHazards: { zh: '待复查的隐患', en: 'Hazards to re-inspect' },
  closeHazard: { zh: '整改到位，销号', en: 'Rectified: close' },
  keepOpen: { zh: '未整改到位', en: 'Not rectified' },
  keepOpenReason: { zh: '未通过原因', en: 'Why it stays open' },
  reportToGov: { zh: '报告属地政府', en: 'Report to government' },
  rectificationReported: { zh: '企业报告已整改（需整改后照片）', en: 'Enterprise reports it rectified (after-photo needed)' },
  escalate: { zh: '升级督办', en: 'Escalate' },
  hazardCounts: { zh: '待整改 {open} · 逾期 {overdue} · 已闭环 {closed} · 重大未闭环 {major}', en: '{open} open · {overdue} overdue · {closed} closed · {major} major open' },
  timeline: { zh: '时间线', en: 'Timeline' },
  visits: { zh: '检查记录', en: 'Visits' },
  noVisits: { zh: '还没有检查记录', en: 'No visits yet' },
  colWhen: { zh: '时间', en: 'When' },
  colKind: { zh: '类型', en: 'Kind' },
  colTarget: { zh: '对象', en: 'Target' },
  colPeople: { zh: '人员', en: 'People' },
  colHazardCount: { zh: '隐患（重大/一般）', en: 'Hazards (major/general)' },

  // Signed documents
  documentsTitle: { zh: '文书', en: 'Documents' },
  documentsHint: { zh: '检查结束后，现场签字生成文书；签字后内容冻结，不可修改，只能更正为新版本', en: 'Sign the forms on site after the visit; a signed form is frozen and can only be corrected by a new version' },
  signForm: { zh: '签字', en: 'Sign' },
  notSigned: { zh: '未签字', en: 'Not signed' },
  signedVersion: { zh: '已签字 · 第 {n} 版', en: 'Signed · v{n}' },
  signFormTitle: { zh: '签署{form}', en: 'Sign the {form}' },
  correctFormTitle: { zh: '更正{form}（第 {version} 版）', en: 'Correct the {form} (version {version})' },
  confirmSign: { zh: '确认签字', en: 'Confirm and sign' },
  frozenSummary: { zh: '签字后将冻结以下内容', en: 'Signing freezes the following' },
  subject: { zh: '对象', en: 'Subject' },
  issuer: { zh: '出具单位', en: 'Issued by' },
  hazardSplit: { zh: '{total} 项（重大 {major} · 一般 {general}）', en: '{total} (major {major} · general {general})' },
  photoCount: { zh: '{n} 张', en: '{n}' },
  itemCount: { zh: '检查项目 {n} 项', en: '{n} checklist items' },
  photos: { zh: '照片', en: 'Photos' },
  bundledCount: { zh: '汇编文书 {n} 份', en: '{n} documents bundled' },
  signers: { zh: '签字人', en: 'Signers' },
  signerName: { zh: '姓名', en: 'Name' },
  signHere: { zh: '请在此处签名', en: 'Sign here' },
  clearPad: { zh: '清除', en: 'Clear' },
  visitorRole: { zh: '检查方签字身份', en: 'Visitor signs as' },
  problemsTitle: { zh: '签字前还需处理 {n} 项', en: '{n} things to settle before signing' },
  noProblems: { zh: '内容齐全，可以签字', en: 'Everything is in place; ready to sign' },
  checking: { zh: '检查中…', en: 'Checking…' },
  correctionReason: { zh: '更正原因', en: 'Reason for the correction' },
  correctionReasonPlaceholder: { zh: '必填，将印在更正后的文书上', en: 'Required; printed on the corrected document' },
  signedTitle: { zh: '已签字：{form}', en: 'Signed: {form}' },
  verificationCode: { zh: '验证码', en: 'Verification code' },
  verificationCodeHint: { zh: '印在文书每页页脚，凭此码可在“文书验证”中核验真伪', en: 'Printed in every page footer; check it under Verify' },
  openPdf: { zh: '打开 PDF', en: 'Open PDF' },
  close: { zh: '关闭', en: 'Close' },
  pdfOpened: { zh: '已生成 PDF：{path}', en: 'PDF written: {path}' },
  signedDocuments: { zh: '已签字的文书', en: 'Signed documents' },
  noDocuments: { zh: '还没有已签字的文书', en: 'No signed documents yet' },
  colDocument: { zh: '文书', en: 'Document' },
  colVersion: { zh: '版本', en: 'Version' },
  versionN: { zh: '第 {n} 版', en: 'v{n}' },
  colSignedAt: { zh: '签字时间', en: 'Signed' },
  colSigners: { zh: '签字人', en: 'Signers' },
  colCode: { zh: '验证码', en: 'Code' },
  superseded: { zh: '已被更正', en: 'Corrected' },
  openPrint: { zh: '打开/打印', en: 'Open / print' },
  correct: { zh: '更正', en: 'Correct' },
  exportSelected: { zh: '批量导出', en: 'Export selected' },
  exportSelectedN: { zh: '批量导出（{n}）', en: 'Export selected ({n})' },
  exporting: { zh: '正在导出 {done}/{total} · {size}', en: 'Exporting {done}/{total} · {size}' },
  exported: { zh: '已导出 {n} 份（{size}）到：', en: '{n} exported ({size}) to:' },
  makeEnterpriseFile: { zh: '生成一企一档', en: 'Make enterprise file' },
  enterpriseFileSigned: { zh: '已生成一企一档，验证码 {code}', en: 'Enterprise file made, code {code}' },

  // Verify
  navVerify: { zh: '文书验证', en: 'Verify' },
  verifyTitle: { zh: '文书验证', en: 'Verify a document' },
  verifyHint: { zh: '输入纸质文书页脚的验证码（大小写、空格均可），或选择导出的 PDF 文件', en: 'Type the code from the page footer (any case, spaces allowed), or choose an exported PDF' },
  verifyCodePlaceholder: { zh: '如：K7M2-9QXA-…', en: 'e.g. K7M2-9QXA-…' },
  verify: { zh: '验证', en: 'Verify' },
  verifyPdf: { zh: '选择 PDF 文件验证', en: 'Verify a PDF file' },
  verifiedFile: { zh: '文件：{name}', en: 'File: {name}' },
  supersededBy: { zh: '最新版本：第 {version} 版，验证码 {code}，签字于 {at}', en: 'Newest version: v{version}, code {code}, signed {at}' },
  reasons: { zh: '原因', en: 'Reasons' },

  // Enterprise contact correction
  editContact: { zh: '修改联系方式', en: 'Edit contact details' },
  contactSaved: { zh: '联系方式已保存', en: 'Contact details saved' },

  // Sync
  navSync: { zh: '同步', en: 'Sync' },
  syncTitle: { zh: '数据同步', en: 'Sync with the server' },
  syncSettings: { zh: '同步设置', en: 'Sync settings' },
  syncEnrolHint: {
    zh: '首次同步前，请向管理员索取一次性注册码。注册后本机会自动与服务器同步；断网时数据都保存在本机，联网后自动上传。',
    en: 'Ask the administrator for a one-time enrolment code. Once enrolled this laptop syncs by itself; offline, everything stays here and is sent once online.',
  },
  syncServer: { zh: '服务器地址', en: 'Server address' },
  syncServerPlaceholder: { zh: '如：http://10.0.0.5:8470', en: 'e.g. http://10.0.0.5:8470' },
  syncCode: { zh: '注册码', en: 'Enrolment code' },
  syncCodePlaceholder: { zh: '管理员提供的一次性注册码', en: 'One-time code from the administrator' },
  syncEnrol: { zh: '注册本机', en: 'Enrol this laptop' },
  syncEnrolled: { zh: '本机已注册', en: 'This laptop is enrolled' },
  syncUser: { zh: '用户', en: 'User' },
  syncRole: { zh: '身份', en: 'Role' },
  syncScope: { zh: '数据范围', en: 'Scope' },
  syncStatusTitle: { zh: '同步状态', en: 'Status' },
  syncPending: { zh: '待同步变更', en: 'Changes waiting' },
  syncPhotosPending: { zh: '待上传照片', en: 'Photos to upload' },
  syncLast: { zh: '上次同步', en: 'Last sync' },
  syncNever: { zh: '从未同步', en: 'Never' },
  syncConflicts: { zh: '冲突待查看', en: 'Conflicts to review' },
  syncRefused: { zh: '被拒收', en: 'Refused' },
  syncRefusedTitle: { zh: '服务器拒收了 {n} 条变更', en: 'The server refused {n} changes' },
  syncRetryIn: { zh: '将在 {n} 秒内自动重试，也可点“立即同步”', en: 'Retries by itself within {n} s, or press Sync now' },
  syncClockAhead: { zh: '本机时钟比服务器快 {amount}，请校准本机日期和时间', en: "This laptop's clock is {amount} ahead of the server's; please correct it" },
  syncClockBehind: { zh: '本机时钟比服务器慢 {amount}，请校准本机日期和时间', en: "This laptop's clock is {amount} behind the server's; please correct it" },
  seconds: { zh: '{n} 秒', en: '{n} s' },
  minutes: { zh: '{n} 分钟', en: '{n} min' },
  hours: { zh: '{n} 小时', en: '{n} h' },
  days: { zh: '{n} 天', en: '{n} days' },
  syncNow: { zh: '立即同步', en: 'Sync now' },
  syncRunning: { zh: '同步中', en: 'Syncing' },
  syncProgress: { zh: '{done}/{total} · {size}', en: '{done}/{total} · {size}' },
  syncLastReport: { zh: '上次结果', en: 'Last result' },
  conflictsTitle: { zh: '同步冲突', en: 'Sync conflicts' },
  conflictsHint: {
    zh: '同一记录在两处被修改时，以较晚的修改为准；未采用的值保留在这里，核对后点“已查看”',
    en: 'When a record was changed in two places the later change is kept; the other value is kept here to check',
  },
  showReviewed: { zh: '显示已查看的', en: 'Show reviewed' },
  noConflicts: { zh: '没有待查看的冲突', en: 'No conflicts to review' },
  colRecord: { zh: '记录', en: 'Record' },
  colField: { zh: '字段', en: 'Field' },
  colKept: { zh: '保留的值', en: 'Kept' },
  colLost: { zh: '未采用的值', en: 'Not kept' },
  markReviewed: { zh: '已查看', en: 'Reviewed' },
  reviewedAt: { zh: '已查看 {at}', en: 'Reviewed {at}' },
  empty: { zh: '（空）', en: '(empty)' },
  // — supervision: contracts, commissions, letters —
  // — supervision: credit grades, evaluations, blacklist, capability tests —
  // — supervision: coverage —
  // — supervision: accident back-trace —
} satisfies Record<string, Pair>;

export type TextKey = keyof typeof TEXT;

// Enum labels, keyed by the serialised names the Rust side sends. `Record<Union, …>` makes the
// compiler flag any variant the bindings add that has no label yet.
export const INDUSTRY_LABELS: Record<Industry, Pair> = {
  chemical: { zh: '化工', en: 'Chemicals' },
  hazardous_chemicals: { zh: '危化品', en: 'Hazardous chemicals' },
  mining: { zh: '矿山', en: 'Mining' },
  fireworks: { zh: '烟花爆竹', en: 'Fireworks' },
  metallurgy: { zh: '金属冶炼', en: 'Metal smelting' },
  dust_explosion: { zh: '粉尘涉爆', en: 'Combustible dust' },
  ammonia_refrigeration: { zh: '涉氨制冷', en: 'Ammonia refrigeration' },
  machinery: { zh: '机械制造', en: 'Machinery' },
  textile: { zh: '纺织服装', en: 'Textiles' },
  food: { zh: '食品加工', en: 'Food processing' },
  electronics: { zh: '电子信息', en: 'Electronics' },
  building_materials: { zh: '建材', en: 'Building materials' },
  printing: { zh: '印刷包装', en: 'Printing and packaging' },
  furniture: { zh: '家具制造', en: 'Furniture' },
  warehousing: { zh: '仓储物流', en: 'Warehousing and logistics' },
  trade: { zh: '商贸服务', en: 'Trade and services' },
};

export const SERVICE_TYPE_LABELS: Record<ServiceType, Pair> = {
  safety_management: { zh: '安全管理服务', en: 'Safety management' },
  professional_technical: { zh: '专业技术服务', en: 'Professional technical' },
  publicity_training: { zh: '宣传教育服务', en: 'Publicity and training' },
  other: { zh: '其他安全服务', en: 'Other safety services' },
};

export const STAFF_ROLE_LABELS: Record<StaffRole, Pair> = {
  technical_lead: { zh: '技术负责人', en: 'Technical lead' },
  process_control_lead: { zh: '过程控制负责人', en: 'Process-control lead' },
  technician: { zh: '专职技术人员', en: 'Technician' },
  part_time: { zh: '兼职人员', en: 'Part-time' },
};

export const CERTIFICATE_LABELS: Record<CertificateKind, Pair> = {
  registered_safety_engineer: { zh: '注册安全工程师', en: 'Registered safety engineer' },
  safety_assessor: { zh: '安全评价师', en: 'Safety assessor' },
  registered_fire_engineer: { zh: '注册消防工程师', en: 'Registered fire engineer' },
  mid_title: { zh: '中级职称', en: 'Mid-level title' },
  senior_title: { zh: '高级职称', en: 'Senior title' },
};

export const DOCUMENT_LABELS: Record<ManagementDocument, Pair> = {
  technical_means: { zh: '技术装备清单', en: 'Technical equipment list' },
  internal_rules: { zh: '内部管理制度', en: 'Internal rules' },
  service_procedures: { zh: '服务规范与程序', en: 'Service procedures' },
  service_archives: { zh: '服务档案', en: 'Service archives' },
  quality_control: { zh: '质量控制体系', en: 'Quality-control system' },
  staff_files: { zh: '人员档案', en: 'Staff files' },
};

export const SIZE_LABELS: Record<EnterpriseSize, Pair> = {
  micro: { zh: '微型', en: 'Micro' },
  small: { zh: '小型', en: 'Small' },
  medium: { zh: '中型', en: 'Medium' },
  large: { zh: '大型', en: 'Large' },
};

export const VISIT_KIND_LABELS: Record<VisitKind, Pair> = {
  service: { zh: '技术服务', en: 'Service visit' },
  first_service: { zh: '首次服务', en: 'First service visit' },
  agency_inspection: { zh: '机构检查', en: 'Agency inspection' },
  spot_check: { zh: '企业抽查', en: 'Enterprise spot check' },
  reinspection: { zh: '复查', en: 'Re-inspection' },
};

export const ITEM_RESULT_LABELS: Record<ItemResult, Pair> = {
  pass: { zh: '符合', en: 'Pass' },
  fail: { zh: '不符合', en: 'Fail' },
  not_applicable: { zh: '不适用', en: 'N/A' },
};

export const HAZARD_LEVEL_LABELS: Record<HazardLevel, Pair> = {
  major: { zh: '重大隐患', en: 'Major' },
  general: { zh: '一般隐患', en: 'General' },
};

export const HAZARD_CATEGORY_LABELS: Record<HazardCategory, Pair> = {
  fire: { zh: '消防安全', en: 'Fire safety' },
  electrical: { zh: '电气安全', en: 'Electrical safety' },
  machinery: { zh: '机械设备', en: 'Machinery' },
  hazardous_chemicals: { zh: '危险化学品', en: 'Hazardous chemicals' },
  confined_space: { zh: '有限空间', en: 'Confined spaces' },
  dust: { zh: '粉尘防爆', en: 'Combustible dust' },
  ammonia: { zh: '涉氨制冷', en: 'Ammonia refrigeration' },
  management: { zh: '安全管理', en: 'Safety management' },
  agency_conduct: { zh: '服务机构管理', en: 'Agency conduct' },
  other: { zh: '其他', en: 'Other' },
};

export const HAZARD_EVENT_LABELS: Record<HazardEventKind, Pair> = {
  reported: { zh: '发现并登记', en: 'Reported' },
  rectification_reported: { zh: '企业报告已整改', en: 'Rectification reported' },
  verified: { zh: '复查确认整改', en: 'Verified at re-inspection' },
  kept_open: { zh: '复查未通过', en: 'Kept open at re-inspection' },
  closed: { zh: '闭环销号', en: 'Closed' },
  overdue: { zh: '逾期未整改', en: 'Overdue' },
  reported_to_government: { zh: '报告属地政府', en: 'Reported to government' },
  escalated: { zh: '升级督办', en: 'Escalated' },
};

export const HAZARD_STATUS_LABELS: Record<HazardStatus, Pair> = {
  open: { zh: '待整改', en: 'Open' },
  rectification_reported: { zh: '待复查', en: 'Awaiting re-inspection' },
  closed: { zh: '已闭环', en: 'Closed' },
};

export const DOCUMENT_KIND_LABELS: Record<DocumentKind, Pair> = {
  hazard_list: { zh: '隐患清单', en: 'Hazard list' },
  inspection_record: { zh: '现场检查记录', en: 'Inspection record' },
  rectification_notice: { zh: '整改通知书', en: 'Rectification notice' },
  reinspection: { zh: '复查意见', en: 'Re-inspection record' },
  service_plan: { zh: '服务细化方案', en: 'Service plan' },
  letter: { zh: '函告', en: 'Letter' },
  enterprise_file: { zh: '一企一档', en: 'Enterprise file' },
};

export const SIGNER_ROLE_LABELS: Record<SignerRole, Pair> = {
  principal: { zh: '企业主要负责人', en: 'Enterprise principal' },
  technician: { zh: '技术服务人员', en: 'Technician' },
  inspector: { zh: '检查人员', en: 'Inspector' },
  supervisor: { zh: '负责人', en: 'Supervisor' },
};

export const VERDICT_LABELS: Record<Verdict, Pair> = {
  valid: { zh: '有效', en: 'Valid' },
  altered: { zh: '已被篡改', en: 'Altered' },
  superseded: { zh: '已被更正版本取代', en: 'Superseded by a correction' },
  unknown: { zh: '查无此文书', en: 'No such document' },
};

// Sync: the server sends these as plain strings, so the tables are keyed by string and an
// unknown key is shown as it came.
export const SYNC_ROLE_LABELS: Record<string, Pair> = {
  technician: { zh: '技术人员', en: 'Technician' },
  inspector: { zh: '执法检查人员', en: 'Inspector' },
  supervisor: { zh: '监管人员', en: 'Supervisor' },
  admin: { zh: '管理员', en: 'Administrator' },
};

export const SYNC_PHASE_LABELS: Record<string, Pair> = {
  push: { zh: '推送变更', en: 'Sending changes' },
  photos: { zh: '上传照片', en: 'Uploading photos' },
  pull: { zh: '拉取数据', en: 'Receiving data' },
  download: { zh: '下载照片', en: 'Downloading photos' },
};

export const ENTITY_LABELS: Record<string, Pair> = {
  agency: { zh: '服务机构', en: 'Agency' },
  enterprise: { zh: '企业', en: 'Enterprise' },
  person: { zh: '从业人员', en: 'Person' },
  contract: { zh: '服务合同', en: 'Contract' },
  visit: { zh: '检查记录', en: 'Visit' },
  visit_item: { zh: '检查项目', en: 'Checklist item' },
  hazard: { zh: '隐患', en: 'Hazard' },
};

/** Names of the record fields a conflict can be about. */
export const FIELD_LABELS: Record<string, Pair> = {
  name: { zh: '名称', en: 'Name' },
  credit_code: { zh: '统一社会信用代码', en: 'Credit code' },
  address: { zh: '地址', en: 'Address' },
  division: { zh: '属地', en: 'Division' },
  industry: { zh: '行业', en: 'Industry' },
  size: { zh: '规模', en: 'Size' },
  park: { zh: '园区', en: 'Park' },
  high_risk: { zh: '高危', en: 'High-risk' },
  principal: { zh: '主要负责人', en: 'Principal' },
  safety_contact: { zh: '安全联系人', en: 'Safety contact' },
  phone: { zh: '联系电话', en: 'Phone' },
  id_number: { zh: '身份证号', en: 'ID number' },
  office_area_m2: { zh: '办公面积', en: 'Office area' },
  service_types: { zh: '服务类型', en: 'Service types' },
  content: { zh: '服务内容', en: 'Content' },
  visits_per_year: { zh: '频次（次/年）', en: 'Visits / year' },
  starts_on: { zh: '开始日期', en: 'Starts' },
  ends_on: { zh: '结束日期', en: 'Ends' },
  fee_fen: { zh: '费用（分）', en: 'Fee (fen)' },
  filed: { zh: '报备', en: 'Filed' },
  place: { zh: '检查地点', en: 'Place' },
  assessment: { zh: '总体评估', en: 'Assessment' },
  result: { zh: '检查结果', en: 'Result' },
  note: { zh: '备注', en: 'Note' },
  description: { zh: '隐患描述', en: 'Description' },
  location: { zh: '隐患部位', en: 'Location' },
  category: { zh: '类别', en: 'Category' },
  level: { zh: '等级', en: 'Level' },
  measure: { zh: '整改措施', en: 'Measure' },
  deadline: { zh: '整改期限', en: 'Deadline' },
  responsible: { zh: '整改责任人', en: 'Responsible' },
};

/** The keys of a label table in declaration order, for building Select options. */
export function keysOf<K extends string>(labels: Record<K, Pair>): K[] {
  return Object.keys(labels) as K[];
}

export interface I18n {
  lang: Lang;
  /** A dictionary string; `{name}` placeholders are filled from `params`. */
  t: (key: TextKey, params?: Record<string, string | number | bigint>) => string;
  /** A message from the Rust side in the current language. */
  m: (message: Message) => string;
  /** A label pair (enum label) in the current language. */
  l: (pair: Pair) => string;
}

export function makeI18n(lang: Lang): I18n {
  const fill = (s: string, params?: Record<string, string | number | bigint>) =>
    params ? s.replace(/\{(\w+)\}/g, (whole, k: string) => (k in params ? String(params[k]) : whole)) : s;
  return {
    lang,
    t: (key, params) => fill(TEXT[key][lang], params),
    m: (message) => message[lang] || message.zh,
    l: (pair) => pair[lang],
  };
}

export const I18nContext = createContext<I18n>(makeI18n('zh'));

export function useI18n(): I18n {
  return useContext(I18nContext);
}
