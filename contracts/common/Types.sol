// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/*
 * Shared vocabulary of the Provenant registries: role ids, contract names in the hub's
 * address book, enums used by more than one registry, and national constants.
 * Code names follow ../shared/DESIGN.md section 2 (glossary).
 */

// ===== ROLES (held in ProvenantHub) =====

/// @dev 数据主管部门 / 数据管理机构: registers participants, decides and files authorizations.
bytes32 constant DATA_AUTHORITY = keccak256("DATA_AUTHORITY");
/// @dev 实施机构 (e.g. 市政务数据事务中心, 000 第五条): organizes operation, pre-reviews, notices.
bytes32 constant IMPLEMENTING_AGENCY = keccak256("IMPLEMENTING_AGENCY");
/// @dev 数源部门. Granted and revoked only by the ParticipantRegistry, mirroring signer keys.
bytes32 constant SOURCE_DEPT = keccak256("SOURCE_DEPT");
/// @dev 一级运营主体 / 授权运营单位. Granted and revoked only by the ParticipantRegistry.
bytes32 constant OPERATOR = keccak256("OPERATOR");
/// @dev 二级开发主体 / 运营合作方. Granted and revoked only by the ParticipantRegistry.
bytes32 constant DEVELOPER = keccak256("DEVELOPER");
/// @dev 评审专家: records expert review opinions (000 第十条(4)).
bytes32 constant EXPERT = keccak256("EXPERT");
/// @dev 监管部门 (网信, 公安, 审计, the authority itself): reads, and may order emergency suspension.
bytes32 constant REGULATOR = keccak256("REGULATOR");
/// @dev 授权运营平台 node: anchors usage receipts and files on behalf of data subjects.
bytes32 constant PLATFORM_NODE = keccak256("PLATFORM_NODE");
/// @dev Held by the ParticipantRegistry contract only: administers SOURCE_DEPT, OPERATOR, DEVELOPER.
bytes32 constant PARTICIPANT_REGISTRAR = keccak256("PARTICIPANT_REGISTRAR");

// ===== ADDRESS BOOK NAMES (ProvenantHub.contractOf) =====

bytes32 constant PARTICIPANT_REGISTRY = keccak256("ParticipantRegistry");
bytes32 constant RESOURCE_CATALOG = keccak256("ResourceCatalog");
bytes32 constant AUTHORIZATION_REGISTRY = keccak256("AuthorizationRegistry");
bytes32 constant AGREEMENT_REGISTRY = keccak256("AgreementRegistry");
bytes32 constant SCENARIO_REGISTRY = keccak256("ScenarioRegistry");
bytes32 constant PRODUCT_REGISTRY = keccak256("ProductRegistry");
bytes32 constant OVERSIGHT_REGISTRY = keccak256("OversightRegistry");
bytes32 constant RECEIPT_ANCHOR = keccak256("ReceiptAnchor");
bytes32 constant WORKING_DAY_CALENDAR = keccak256("WorkingDayCalendar");

// ===== NATIONAL CONSTANTS =====

/// @dev 《公共数据资源授权运营实施规范（试行）》(2025): an operator's term never exceeds 5 years (C38).
uint8 constant NATIONAL_MAX_TERM_YEARS = 5;
/// @dev 《公共数据资源登记管理暂行办法》(2025): a registration code is valid for 3 years (C36).
uint8 constant REGISTRATION_VALIDITY_YEARS = 3;
/// @dev C36: a renewal may be applied for only in the last 90 days of validity (or after it
/// lapsed), so renewals extend one period at a time and never stack.
uint64 constant REGISTRATION_RENEWAL_WINDOW = 90 days;
/// @dev Sentinel for "no id" (ids start at 1).
uint64 constant NO_ID = 0;

// ===== SHARED ENUMS =====

/// @notice Kind of organization in the ParticipantRegistry (DESIGN section 2).
enum ParticipantKind {
    None,
    DataAuthority, // 数据主管部门
    ImplementingAgency, // 实施机构
    SourceDepartment, // 数源部门
    Operator, // 一级运营主体
    Developer, // 二级开发主体
    Regulator, // 监管部门
    ServiceProvider // 第三方服务机构 (evaluation, security review)
}

/// @notice Status of a participant.
enum ParticipantStatus {
    None,
    Active,
    Suspended,
    Exited
}

/// @notice 综合授权 or 分领域授权 (000 第五条; 001 第五条; C01).
enum AuthorizationMode {
    None,
    Comprehensive,
    Domain
}

/// @notice Kinds of registration (登记) under the national registration measures (C36).
enum RegistrationKind {
    None,
    Initial, // 首次登记
    Change, // 变更登记
    Correction, // 更正登记
    Deregistration, // 注销登记
    Renewal // 续期
}

/// @notice Steps of one registration application: apply -> accept -> review -> notice -> issue (C36).
enum RegistrationStep {
    None,
    Applied,
    Accepted,
    Reviewed,
    Noticed,
    Issued,
    Rejected
}

/// @notice 收费依据: the basis on which one use of a product is charged or free; a product records
/// the bases it allows and each usage receipt names one (C33; 004 第十六条; 002 第二十六条).
enum ChargingBasis {
    None,
    FreeTrialForSourceDept, // 数源单位免费试用 (004 第十六条)
    PublicInterestFree, // 公共治理、公益事业 有条件无偿使用 (002 第二十六条)
    Commercial // 经营性产品, 有条件有偿使用 (002 第二十六条; 004 第十六条)
}
