// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ChargingBasis} from "../common/Types.sol";

/**
 * @title IProductRegistry
 * @notice 公共数据产品和服务: registration and filing (登记备案), compliance and security review,
 * release (发布, listing) and delisting of products, with their lineage back to resources and
 * parent products. Products also carry a registration code (登记编号) through the shared
 * registration procedure (IRegistrable, C36).
 *
 * Registered -> Reviewed -> Listed -> Delisted ; Registered | Reviewed -> Delisted
 *
 * A product is usable at a moment when it is listed, its registration is valid, its scenario is
 * approved and the scenario's authorization (with its parent) is active then: a product whose
 * authorization is later suspended, revoked or expired stops being usable without a transaction.
 */
interface IProductRegistry {
    /// @notice What the product is.
    enum ProductKind {
        None,
        Dataset, // 数据集
        Api, // 数据接口
        Indicator, // 指标
        Report, // 报告
        Model, // 模型
        Application, // 应用
        Tool, // 工具
        Service // 服务
    }

    /// @notice Lifecycle of a product.
    enum ProductStatus {
        None,
        Registered, // 登记备案 (C17)
        Reviewed, // passed compliance and security review (C18)
        Listed, // released (发布) on the platform (C19)
        Delisted // withdrawn (下架), terminal: a fixed product is a new version
    }

    /// @notice A product registration: more than four values, so a request struct.
    struct ProductRequest {
        uint64 holderId; // the scenario's holder (operator or developer)
        uint64 scenarioId; // the approved scenario the product serves (001 第二十二条)
        ProductKind kind; // what the product is
        uint8 chargingBases; // allowed bases, bit (1 << uint8(ChargingBasis)) each (C33)
        uint64 previousVersionId; // the version this one replaces (0: first version)
        bytes32 pricingBasisHash; // 定价依据 (001 第二十二条)
        bytes32 usageHash; // 使用范围及方式 (001 第二十二条)
        bytes32 descriptionHash; // product description and capability list, kept off chain
        uint64[] resourceIds; // lineage: resources used, strictly ascending, each listed by the scenario
        uint64[] parentProductIds; // lineage: products it derives from, strictly ascending, usable now
        string publicText; // public name, description, service mode and price, JSON (C21); required, event data only
    }

    /// @notice A product.
    struct Product {
        uint64 holderId; // the holder
        uint64 scenarioId; // the scenario it serves
        uint64 authorizationId; // the scenario's authorization (fixed with the scenario)
        ProductKind kind; // what the product is
        ProductStatus status; // see ProductStatus
        uint8 chargingBases; // allowed charging bases (bit mask over ChargingBasis)
        uint32 version; // 1 for a first version, previous + 1 after
        uint32 certificateCount; // certificates recorded so far
        uint16 reviewPasses; // compliance reviews passed (C18)
        uint16 reviewFailures; // compliance reviews failed (C18)
        uint16 passesSinceFailure; // reviews passed since the last failed one (C18)
        uint64 previousVersionId; // the version it replaces (0: none)
        uint64 nextVersionId; // the version that replaced it (0: none)
        uint64 registeredAt; // block time of registration
        uint64 reviewedAt; // block time of the passed review (0: not yet)
        uint64 listedAt; // block time of the release (0: not yet)
        uint64 delistedAt; // block time of delisting (0: not delisted)
        bytes32 pricingBasisHash; // 定价依据
        bytes32 usageHash; // 使用范围及方式
        bytes32 descriptionHash; // description and capability list
        bytes32 reviewReportHash; // report of the passed compliance and security review
        uint64[] resourceIds; // lineage: resources
        uint64[] parentProductIds; // lineage: parent products
    }

    /// @notice A certificate or document attached to a product (004 第十四条: 证书管理).
    struct Certificate {
        bytes32 kind; // e.g. keccak256("RegistrationCertificate"), keccak256("SecurityAssessment")
        bytes32 documentHash; // hash of the certificate kept off chain
        uint64 recordedAt; // block time of the record
        address recordedBy; // who recorded it
    }

    /// @notice A product was registered and filed; carries the whole request (C17, C19), and its
    /// public text again as `publicText` so every record event names its text alike (C21).
    event ProductRegistered(
        uint64 indexed id,
        uint64 indexed holderId,
        uint64 indexed scenarioId,
        uint64 authorizationId,
        uint32 version,
        ProductRequest request,
        string publicText,
        address by
    );
    /// @notice A compliance and security review result was recorded (C18); `status` is the status after it.
    event ProductReviewed(
        uint64 indexed id,
        bool pass,
        bytes32 reportHash,
        ProductStatus status,
        address reviewer
    );
    /// @notice A certificate was attached to a product (C19).
    event ProductCertificateRecorded(
        uint64 indexed id,
        uint32 index,
        bytes32 kind,
        bytes32 documentHash,
        address by
    );
    /// @notice A product was released (listed) with the facts that allowed it (C18, C19, C36).
    event ProductListed(
        uint64 indexed id,
        uint64 indexed holderId,
        uint64 indexed scenarioId,
        uint64 authorizationId,
        bytes32 registrationCode,
        uint64 registrationValidUntil,
        bytes32 reviewReportHash,
        address by
    );
    /// @notice A product was delisted (C19); `from` is its status before; `statement` is the public reason (C21).
    event ProductDelisted(
        uint64 indexed id,
        uint64 indexed holderId,
        ProductStatus from,
        bytes32 reasonHash,
        string statement,
        address by
    );

    error ProductRegistryUnknownProduct(uint64 id);
    error ProductRegistryInvalidData(string field);
    error ProductRegistryHolderMismatch(uint64 scenarioId, uint64 scenarioHolderId, uint64 holderId);
    error ProductRegistryScenarioNotApproved(uint64 scenarioId);
    error ProductRegistryAuthorizationInactive(uint64 scenarioId, uint64 authorizationId, uint64 at);
    error ProductRegistryEmptyLineage();
    error ProductRegistryTooManyLineageIds(uint256 count, uint256 max);
    error ProductRegistryLineageNotAscending(string field, uint256 index, uint64 value);
    error ProductRegistryResourceOutsideScenario(uint64 scenarioId, uint64 resourceId);
    error ProductRegistryParentNotUsable(uint64 parentProductId);
    error ProductRegistryParentOutsideScope(uint64 parentProductId, uint64 resourceId, uint64 authorizationId);
    error ProductRegistryInvalidChargingBases(uint8 chargingBases);
    error ProductRegistryFreeTrialMissing(uint8 chargingBases);
    error ProductRegistryVersionMismatch(uint64 previousVersionId, uint64 previousHolderId, ProductKind previousKind);
    error ProductRegistryVersionTaken(uint64 previousVersionId, uint64 nextVersionId);
    error ProductRegistryWrongStatus(uint64 id, ProductStatus status);
    error ProductRegistryNotRegistered(uint64 id, uint64 at);
    error ProductRegistryNotAuthorized(uint64 id, address account);
    error ProductRegistryConflictOfInterest(uint64 id, address reviewer);
    error ProductRegistryAlreadyReviewed(uint64 id, address reviewer);
    error ProductRegistryLineageTooLarge(uint256 weight, uint256 maxWeight);

    /// @notice Registers and files a product (登记备案) with its pricing basis, scenario, usage scope
    /// and method, lineage and charging bases. A signer of the holder only; the scenario must be
    /// approved and its authorization active now.
    /// @dev 001 第二十二条: 定价依据、应用场景、使用范围及方式 登记备案; 不得用于未经审核的应用场景 (C17).
    /// C14: every resource is one the scenario lists. C33 (004 第十六条): source departments keep
    /// their free trial, so `chargingBases` always allows FreeTrialForSourceDept. C21 (002 第二十一条:
    /// product capability lists are disclosed): `request.publicText` is required.
    function registerProduct(ProductRequest calldata request) external returns (uint64 id);

    /// @notice Records one compliance and security review (合规与安全审核) of a registered product.
    /// EXPERT or DATA_AUTHORITY, never a signer of the holder. Decision rule (C18): the product
    /// becomes Reviewed (listable) once the reviews passed since the last failed one reach the
    /// profile's `productReviewQuorum` (IAuthorizationRegistry.Policy) AND the passed reviews
    /// outnumber the failed ones overall; until then it stays Registered for further review
    /// (after rectification). So a failure is outweighed only by more passes, never by one.
    /// Each reviewer key gives one opinion per round; a failure opens a new round, in which
    /// everyone (the failing reviewer too) may review the rectified product again.
    /// @dev 000 第十三条: 经业务合规性和安全审核后对外提供; 002 第二十四条; 001 第二十二条 (C18).
    function reviewProduct(uint64 id, bool pass, bytes32 reportHash) external;

    /// @notice Attaches a certificate or document hash to a product. DATA_AUTHORITY or a signer of the holder.
    /// @dev 004 第十四条: 产品登记、证书管理、产品发布 (C19).
    function recordCertificate(uint64 id, bytes32 kind, bytes32 documentHash) external returns (uint32 index);

    /// @notice Releases (lists) a reviewed product: needs a passed review (C18), a valid registration
    /// code (C36), an approved scenario and its authorization active now (C17). A signer of the holder.
    /// @dev 000 第十三条; 001 第二十二条; 004 第十四条.
    function listProduct(uint64 id) external;

    /// @notice Delists a product that is not yet delisted, with its public statement (required).
    /// DATA_AUTHORITY or a signer of the holder.
    /// @dev 004 第十四条 (C19); C21.
    function delistProduct(uint64 id, bytes32 reasonHash, string calldata statement) external;

    /// @notice One product.
    function product(uint64 id) external view returns (Product memory);

    /// @notice One certificate of a product.
    function certificate(uint64 id, uint32 index) external view returns (Certificate memory);

    /// @notice True when `basis` is one the product allows; a receipt names one of these (C33).
    function allowsCharging(uint64 id, ChargingBasis basis) external view returns (bool);

    /// @notice True when the product may be offered at `at`: listed, registration valid at `at`,
    /// scenario approved (its approval, not the scenario's own resources: a product answers for the
    /// resources of its own lineage), its authorization and every ancestor authorization active at `at`,
    /// every resource it is built on still authorizable at `at` (C10, C36), and every parent
    /// product usable at `at` by the same rule (C14). Statuses are read as they stand now; the
    /// service's `?at=` answers are the historical ones, rebuilt from events.
    /// @dev Evaluated on read through IAuthorizationRegistry.isActive, which cascades to parents,
    /// and IResourceCatalog.isAuthorizable.
    function isUsable(uint64 id, uint64 at) external view returns (bool);

    /// @notice Number of products (ids run from 1 to this).
    function productCount() external view returns (uint64);
}
