// The labels of SafeServe's enums in both languages, generated from the Rust enums
// (crates/core/src/labels.rs) when the tests run. Do not edit: change the Rust label.

import type { Message } from './Message';
import type { Act } from './Act';
import type { AgencyActKind } from './AgencyActKind';
import type { AuditAct } from './AuditAct';
import type { BlacklistGround } from './BlacklistGround';
import type { CertificateKind } from './CertificateKind';
import type { DeductionKind } from './DeductionKind';
import type { DocumentKind } from './DocumentKind';
import type { EnterpriseSize } from './EnterpriseSize';
import type { Entity } from './Entity';
import type { Grade } from './Grade';
import type { HazardCategory } from './HazardCategory';
import type { HazardEventKind } from './HazardEventKind';
import type { HazardGap } from './HazardGap';
import type { HazardLevel } from './HazardLevel';
import type { HazardStanding } from './HazardStanding';
import type { HazardStatus } from './HazardStatus';
import type { ImportKind } from './ImportKind';
import type { Industry } from './Industry';
import type { ItemResult } from './ItemResult';
import type { ManagementDocument } from './ManagementDocument';
import type { Measure } from './Measure';
import type { RaterKind } from './RaterKind';
import type { RecordKind } from './RecordKind';
import type { Role } from './Role';
import type { ServiceType } from './ServiceType';
import type { SignerRole } from './SignerRole';
import type { StaffRole } from './StaffRole';
import type { SubjectKind } from './SubjectKind';
import type { SyncPhase } from './SyncPhase';
import type { Verdict } from './Verdict';
import type { VisitKind } from './VisitKind';

export const ACT_LABELS: Record<Act, Message> = {
  view: { zh: "查阅登记和记录", en: "Read the registers and records" },
  supervise: { zh: "查阅监管信息（评级、覆盖率、倒查、函告）", en: "Read supervision (grades, coverage, back-trace, letters)" },
  add_enterprise: { zh: "新增企业", en: "Add an enterprise" },
  correct_enterprise: { zh: "更正企业联系信息", en: "Correct an enterprise's contact details" },
  edit_registers: { zh: "维护服务机构和从业人员登记", en: "Keep the agency and people registers" },
  import_template: { zh: "导入检查表", en: "Import a checklist" },
  record_service: { zh: "记录技术服务", en: "Record a service visit" },
  record_inspection: { zh: "记录监管检查", en: "Record an inspection" },
  record_contract: { zh: "登记服务合同", en: "Record a service contract" },
  commission: { zh: "政府委托检查", en: "Commission a government check" },
  compose_letter: { zh: "起草函告、记录回复", en: "Draft letters and record replies" },
  approve_letter: { zh: "签发函告", en: "Approve and sign a letter" },
  evaluate: { zh: "评价服务机构", en: "Rate an agency" },
  grade: { zh: "信用评级", en: "Grade the agencies" },
  blacklist: { zh: "列入或移出严重失信名单", en: "Enter or lift a blacklist entry" },
  capability_test: { zh: "记录能力测试", en: "Record a capability test" },
  export: { zh: "导出文书和报表", en: "Export documents and tables" },
  sync: { zh: "同步与注册本机", en: "Sync and enrol this laptop" },
  read_audit: { zh: "查阅审计日志", en: "Read the audit log" },
  back_up: { zh: "备份本机数据", en: "Back up this laptop" },
  restore: { zh: "从备份恢复本机数据", en: "Restore this laptop from a backup" },
};

export const AUDIT_ACT_LABELS: Record<AuditAct, Message> = {
  sign_in: { zh: "登录", en: "Signed in" },
  sign_in_failed: { zh: "登录被拒绝", en: "Sign-in refused" },
  password_reset: { zh: "经管理员重设密码", en: "Reset the password with an administrator's code" },
  sign_out: { zh: "锁定", en: "Locked" },
  first_user: { zh: "创建本机用户", en: "Made this laptop's user" },
  enrol: { zh: "注册本机", en: "Enrolled this laptop" },
  sign: { zh: "签署文书", en: "Signed a document" },
  correct: { zh: "更正文书", en: "Corrected a document" },
  approve_letter: { zh: "签发函告", en: "Approved a letter" },
  export: { zh: "导出", en: "Exported" },
  grade: { zh: "信用评级", en: "Graded the agencies" },
  blacklist: { zh: "列入严重失信名单", en: "Entered on the blacklist" },
  lift_blacklist: { zh: "移出严重失信名单", en: "Lifted from the blacklist" },
  commission: { zh: "政府委托检查", en: "Commissioned a check" },
  refused: { zh: "越权操作被拒绝", en: "Refused for the role" },
  back_up: { zh: "备份", en: "Backed up" },
  restore: { zh: "从备份恢复", en: "Restored from a backup" },
  import_register: { zh: "导入登记表", en: "Imported a register" },
  add_register: { zh: "登记新记录", en: "Registered a new record" },
  change_register: { zh: "修改登记信息", en: "Changed a register record" },
  agency_act: { zh: "记录执业告知或平台移除", en: "Recorded a practice notice or platform removal" },
};

export const HAZARD_STANDING_LABELS: Record<HazardStanding, Message> = {
  closed: { zh: "已闭环", en: "Closed" },
  open: { zh: "未闭环", en: "Open" },
  overdue: { zh: "逾期未整改", en: "Overdue" },
};

export const BLACKLIST_GROUND_LABELS: Record<BlacklistGround, Message> = {
  affiliation_or_subcontracting: { zh: "非法挂靠或转包服务业务", en: "Illegal affiliation (挂靠) or subcontracting (转包) of service work" },
  false_report: { zh: "出具虚假或严重失实报告", en: "A false or seriously untrue report" },
  accident_responsibility: { zh: "对服务对象发生生产安全事故负有责任", en: "Responsibility for a production-safety accident at a client" },
  certificate_fraud: { zh: "伪造、转让、出借资质证书或冒名签字", en: "Forging, transferring or lending certificates, or signing in another's name" },
};

export const SUBJECT_KIND_LABELS: Record<SubjectKind, Message> = {
  agency: { zh: "服务机构", en: "Agency" },
  person: { zh: "从业人员", en: "Person" },
};

export const MEASURE_LABELS: Record<Measure, Message> = {
  parks: { zh: "小微企业园区", en: "Small/micro parks" },
  production_small_micro: { zh: "生产型小微企业", en: "Production-type small/micro enterprises" },
  high_risk: { zh: "高危企业", en: "High-risk enterprises" },
};

export const DOCUMENT_KIND_LABELS: Record<DocumentKind, Message> = {
  hazard_list: { zh: "隐患清单", en: "Hazard list" },
  inspection_record: { zh: "现场检查记录", en: "Inspection record" },
  rectification_notice: { zh: "整改通知书", en: "Rectification notice" },
  reinspection: { zh: "复查意见", en: "Re-inspection record" },
  service_plan: { zh: "服务细化方案", en: "Service plan" },
  letter: { zh: "函告", en: "Letter" },
  enterprise_file: { zh: "一企一档", en: "Enterprise file" },
};

export const SIGNER_ROLE_LABELS: Record<SignerRole, Message> = {
  principal: { zh: "企业主要负责人", en: "Enterprise principal" },
  technician: { zh: "技术服务人员", en: "Technician" },
  inspector: { zh: "检查人员", en: "Inspector" },
  supervisor: { zh: "负责人", en: "Supervisor" },
};

export const VERDICT_LABELS: Record<Verdict, Message> = {
  valid: { zh: "有效", en: "Valid" },
  altered: { zh: "已被篡改", en: "Altered" },
  superseded: { zh: "已被更正版本取代", en: "Superseded by a correction" },
  unknown: { zh: "查无此文书", en: "No such document" },
};

export const GRADE_LABELS: Record<Grade, Message> = {
  A: { zh: "A 级", en: "Grade A" },
  B: { zh: "B 级", en: "Grade B" },
  C: { zh: "C 级", en: "Grade C" },
  D: { zh: "D 级", en: "Grade D" },
};

export const DEDUCTION_KIND_LABELS: Record<DeductionKind, Message> = {
  letter: { zh: "收到函告", en: "Letters received" },
  letter_overdue: { zh: "函告逾期未回复", en: "Letter replies overdue" },
  unmet_condition: { zh: "不符合机构条件（R1）", en: "Unmet R1 conditions" },
  capability_test: { zh: "技术人员能力测试未通过或未参加", en: "Technicians failed or untested" },
  low_price: { zh: "低价合同", en: "Low-price contracts" },
  major_hazard_missed: { zh: "抽查发现未列出的重大隐患", en: "Major hazards missed, found by spot checks" },
  evaluation: { zh: "服务评价", en: "Evaluations" },
  blacklist: { zh: "列入严重失信名单", en: "On the serious-dishonesty list" },
};

export const RATER_KIND_LABELS: Record<RaterKind, Message> = {
  enterprise: { zh: "服务企业", en: "Enterprise served" },
  inspector: { zh: "检查人员", en: "Inspector" },
};

export const HAZARD_LEVEL_LABELS: Record<HazardLevel, Message> = {
  major: { zh: "重大隐患", en: "Major" },
  general: { zh: "一般隐患", en: "General" },
};

export const HAZARD_CATEGORY_LABELS: Record<HazardCategory, Message> = {
  fire: { zh: "消防安全", en: "Fire safety" },
  electrical: { zh: "电气安全", en: "Electrical safety" },
  machinery: { zh: "机械设备", en: "Machinery" },
  hazardous_chemicals: { zh: "危险化学品", en: "Hazardous chemicals" },
  confined_space: { zh: "有限空间", en: "Confined spaces" },
  dust: { zh: "粉尘防爆", en: "Combustible dust" },
  ammonia: { zh: "涉氨制冷", en: "Ammonia refrigeration" },
  management: { zh: "安全管理", en: "Safety management" },
  agency_conduct: { zh: "服务机构管理", en: "Agency conduct" },
  other: { zh: "其他", en: "Other" },
};

export const HAZARD_EVENT_KIND_LABELS: Record<HazardEventKind, Message> = {
  reported: { zh: "发现并登记", en: "Reported" },
  rectification_reported: { zh: "企业报告已整改", en: "Rectification reported" },
  verified: { zh: "复查确认整改", en: "Verified at re-inspection" },
  kept_open: { zh: "复查未通过", en: "Kept open at re-inspection" },
  closed: { zh: "闭环销号", en: "Closed" },
  overdue: { zh: "逾期未整改", en: "Overdue" },
  reported_to_government: { zh: "报告属地政府", en: "Reported to government" },
  escalated: { zh: "升级督办", en: "Escalated" },
  supplemented: { zh: "签字前补充", en: "Completed before signing" },
};

export const HAZARD_GAP_LABELS: Record<HazardGap, Message> = {
  measure: { zh: "整改措施", en: "rectification measure" },
  deadline: { zh: "整改期限", en: "rectification deadline" },
};

export const HAZARD_STATUS_LABELS: Record<HazardStatus, Message> = {
  open: { zh: "待整改", en: "Open" },
  rectification_reported: { zh: "待复查", en: "Awaiting re-inspection" },
  closed: { zh: "已闭环", en: "Closed" },
};

export const IMPORT_KIND_LABELS: Record<ImportKind, Message> = {
  enterprises: { zh: "生产经营单位", en: "Enterprises" },
  people: { zh: "从业人员", en: "People" },
  agencies: { zh: "服务机构", en: "Agencies" },
  contracts: { zh: "服务合同", en: "Contracts" },
};

export const RECORD_KIND_LABELS: Record<RecordKind, Message> = {
  visits: { zh: "检查记录", en: "Visits" },
  hazards: { zh: "隐患", en: "Hazards" },
};

export const INDUSTRY_LABELS: Record<Industry, Message> = {
  chemical: { zh: "化工", en: "Chemicals" },
  hazardous_chemicals: { zh: "危化品", en: "Hazardous chemicals" },
  mining: { zh: "矿山", en: "Mining" },
  fireworks: { zh: "烟花爆竹", en: "Fireworks" },
  metallurgy: { zh: "金属冶炼", en: "Metal smelting" },
  dust_explosion: { zh: "粉尘涉爆", en: "Combustible dust" },
  ammonia_refrigeration: { zh: "涉氨制冷", en: "Ammonia refrigeration" },
  machinery: { zh: "机械制造", en: "Machinery" },
  textile: { zh: "纺织服装", en: "Textiles" },
  food: { zh: "食品加工", en: "Food processing" },
  electronics: { zh: "电子信息", en: "Electronics" },
  building_materials: { zh: "建材", en: "Building materials" },
  printing: { zh: "印刷包装", en: "Printing and packaging" },
  furniture: { zh: "家具制造", en: "Furniture" },
  warehousing: { zh: "仓储物流", en: "Warehousing and logistics" },
  trade: { zh: "商贸服务", en: "Trade and services" },
};

export const SERVICE_TYPE_LABELS: Record<ServiceType, Message> = {
  safety_management: { zh: "安全管理服务", en: "Safety management" },
  professional_technical: { zh: "专业技术服务", en: "Professional technical" },
  publicity_training: { zh: "宣传教育服务", en: "Publicity and training" },
  other: { zh: "其他安全服务", en: "Other safety services" },
};

export const STAFF_ROLE_LABELS: Record<StaffRole, Message> = {
  technical_lead: { zh: "技术负责人", en: "Technical lead" },
  process_control_lead: { zh: "过程控制负责人", en: "Process-control lead" },
  technician: { zh: "专职技术人员", en: "Technician" },
  part_time: { zh: "兼职人员", en: "Part-time" },
};

export const CERTIFICATE_KIND_LABELS: Record<CertificateKind, Message> = {
  registered_safety_engineer: { zh: "注册安全工程师", en: "Registered safety engineer" },
  safety_assessor: { zh: "安全评价师", en: "Safety assessor" },
  registered_fire_engineer: { zh: "注册消防工程师", en: "Registered fire engineer" },
  mid_title: { zh: "中级职称", en: "Mid-level engineering title" },
  senior_title: { zh: "高级职称", en: "Senior engineering title" },
};

export const MANAGEMENT_DOCUMENT_LABELS: Record<ManagementDocument, Message> = {
  technical_means: { zh: "技术装备清单", en: "Technical equipment" },
  internal_rules: { zh: "内部管理制度", en: "Internal management rules" },
  service_procedures: { zh: "服务规范与程序", en: "Service procedures" },
  service_archives: { zh: "服务档案", en: "Service archives" },
  quality_control: { zh: "质量控制体系", en: "Quality-control system" },
  staff_files: { zh: "人员档案", en: "Staff files" },
};

export const ENTERPRISE_SIZE_LABELS: Record<EnterpriseSize, Message> = {
  micro: { zh: "微型", en: "Micro" },
  small: { zh: "小型", en: "Small" },
  medium: { zh: "中型", en: "Medium" },
  large: { zh: "大型", en: "Large" },
};

export const AGENCY_ACT_KIND_LABELS: Record<AgencyActKind, Message> = {
  practice_notice: { zh: "执业告知", en: "Practice notice" },
  platform_removal: { zh: "移除系统平台", en: "Removed from the platform" },
  platform_restoration: { zh: "恢复系统平台", en: "Restored to the platform" },
};

export const ENTITY_LABELS: Record<Entity, Message> = {
  agency: { zh: "服务机构", en: "Agency" },
  enterprise: { zh: "企业", en: "Enterprise" },
  person: { zh: "从业人员", en: "Person" },
  contract: { zh: "服务合同", en: "Contract" },
  visit: { zh: "检查记录", en: "Visit" },
  visit_item: { zh: "检查项目", en: "Checklist item" },
  hazard: { zh: "隐患", en: "Hazard" },
  hazard_event: { zh: "隐患事件", en: "Hazard event" },
  item_photo: { zh: "检查项目照片", en: "Checklist item photo" },
  hazard_photo: { zh: "隐患照片", en: "Hazard photo" },
  document: { zh: "签署文书", en: "Signed document" },
  conflict: { zh: "同步冲突", en: "Sync conflict" },
  letter_draft: { zh: "函告草稿", en: "Letter draft" },
  letter_event: { zh: "函告回复与审核", en: "Letter reply or review" },
  evaluation: { zh: "服务评价", en: "Evaluation" },
  blacklist_entry: { zh: "严重失信名单列入", en: "Blacklist entry" },
  blacklist_lift: { zh: "严重失信名单移出", en: "Blacklist lifting" },
  agency_act: { zh: "执业告知与平台移除", en: "Practice notice or platform removal" },
  template: { zh: "检查表模板", en: "Checklist template" },
  audit_entry: { zh: "审计日志", en: "Audit log entry" },
};

export const ROLE_LABELS: Record<Role, Message> = {
  technician: { zh: "机构技术人员", en: "Agency technician" },
  inspector: { zh: "监管检查人员", en: "Inspector" },
  supervisor: { zh: "监管负责人", en: "Supervisor" },
  admin: { zh: "管理员", en: "Administrator" },
};

export const SYNC_PHASE_LABELS: Record<SyncPhase, Message> = {
  push: { zh: "推送变更", en: "Sending changes" },
  photos: { zh: "上传照片", en: "Uploading photos" },
  pull: { zh: "拉取数据", en: "Receiving data" },
  download: { zh: "下载照片", en: "Downloading photos" },
};

export const VISIT_KIND_LABELS: Record<VisitKind, Message> = {
  service: { zh: "技术服务", en: "Service visit" },
  first_service: { zh: "首次服务", en: "First service visit" },
  agency_inspection: { zh: "机构检查", en: "Agency inspection" },
  spot_check: { zh: "企业抽查", en: "Enterprise spot check" },
  reinspection: { zh: "复查", en: "Re-inspection" },
};

export const ITEM_RESULT_LABELS: Record<ItemResult, Message> = {
  pass: { zh: "符合", en: "Pass" },
  fail: { zh: "不符合", en: "Fail" },
  not_applicable: { zh: "不适用", en: "Not applicable" },
};
