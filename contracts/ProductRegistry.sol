// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IProvenantHub} from "./interfaces/IProvenantHub.sol";
import {IProductRegistry} from "./interfaces/IProductRegistry.sol";
import {IScenarioRegistry} from "./interfaces/IScenarioRegistry.sol";
import {IAuthorizationRegistry} from "./interfaces/IAuthorizationRegistry.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {IResourceCatalog} from "./interfaces/IResourceCatalog.sol";
import {Registrable} from "./common/Registrable.sol";
import {HubConsumer} from "./common/HubConsumer.sol";
import {PublicText} from "./common/PublicText.sol";
import {
    DATA_AUTHORITY,
    EXPERT,
    PARTICIPANT_REGISTRY,
    AUTHORIZATION_REGISTRY,
    SCENARIO_REGISTRY,
    RESOURCE_CATALOG,
    NO_ID,
    ChargingBasis,
    ParticipantKind
} from "./common/Types.sol";

/**
 * @title ProductRegistry
 * @notice 公共数据产品和服务: registration and filing, review, release and delisting, lineage,
 * versions, charging bases, and registration codes (登记) through Registrable.
 * @dev C17 (001 第二十二条), C18 (000 第十三条; 002 第二十四条), C19 (004 第十四条),
 * C33 (004 第十六条; 002 第二十六条), C36. Usability is evaluated on read: scenario ->
 * authorization -> parent authorization, the product's resources, and every parent product
 * the same way, never by looping over products.
 */
contract ProductRegistry is Registrable, IProductRegistry {
    /// @notice Upper bound on resource ids and on parent product ids in one product's lineage.
    uint256 public constant MAX_LINEAGE = 64;
    /// @notice Upper bound on the products a walk of one product's lineage visits (itself
    /// included, a shared ancestor once per path to it): bounds isUsable and the scope check.
    uint256 public constant MAX_LINEAGE_WEIGHT = 64;
    /// @dev Every valid ChargingBasis bit (FreeTrialForSourceDept, PublicInterestFree, Commercial).
    uint8 private constant _ALL_BASES = 0x0E;
    uint8 private constant _FREE_TRIAL_BIT = uint8(1) << uint8(ChargingBasis.FreeTrialForSourceDept);

    uint64 private _count;
    mapping(uint64 id => Product) private _products;
    mapping(uint64 id => mapping(uint32 index => Certificate)) private _certificates;
    /// @dev Products a naive walk of the lineage visits (1 + the parents' weights): bounds every
    /// recursive lineage check (isUsable, the scope check), diamonds counted once per path.
    mapping(uint64 id => uint256) private _lineageWeight;
    mapping(uint64 id => uint256) private _reviewRound;
    mapping(uint64 id => mapping(uint256 round => mapping(address reviewer => bool))) private _reviewedIn;

    /// @param registrationNoticeMin minimum public notice of a registration, in seconds.
    constructor(IProvenantHub hub_, uint64 registrationNoticeMin) HubConsumer(hub_) Registrable(registrationNoticeMin) {}

    // ===== REGISTRATION AND FILING (C17) =====

    /// @inheritdoc IProductRegistry
    function registerProduct(ProductRequest calldata req) external returns (uint64 id) {
        _participants().requireActiveSigner(req.holderId, ParticipantKind.None, msg.sender);
        _validate(req);
        PublicText.checkRecord(req.publicText);
        // Ensure that the product serves an approved scenario of its own holder, under an
        // authorization active now (001 第二十二条: 不得用于未经审核的应用场景).
        IScenarioRegistry.Scenario memory sc = _scenarios().scenario(req.scenarioId);
        if (sc.holderId != req.holderId) revert ProductRegistryHolderMismatch(req.scenarioId, sc.holderId, req.holderId);
        if (sc.status != IScenarioRegistry.ScenarioStatus.Approved) {
            revert ProductRegistryScenarioNotApproved(req.scenarioId);
        }
        uint64 nowTs = _now();
        if (!_authorizations().isActive(sc.authorizationId, nowTs)) {
            revert ProductRegistryAuthorizationInactive(req.scenarioId, sc.authorizationId, nowTs);
        }
        // Ensure that the lineage stays small enough for every check that walks it (gas bound).
        uint256 weight = 1;
        for (uint256 i = 0; i < req.parentProductIds.length && i <= MAX_LINEAGE; ++i) {
            weight += _lineageWeight[req.parentProductIds[i]];
        }
        if (weight > MAX_LINEAGE_WEIGHT) revert ProductRegistryLineageTooLarge(weight, MAX_LINEAGE_WEIGHT);
        _checkLineage(req, sc.resourceIds, sc.authorizationId, nowTs);

        id = ++_count;
        _lineageWeight[id] = weight;
        uint32 version = _linkVersion(id, req);
        Product storage p = _products[id];
        p.holderId = req.holderId;
        p.scenarioId = req.scenarioId;
        p.authorizationId = sc.authorizationId;
        p.kind = req.kind;
        p.status = ProductStatus.Registered;
        p.chargingBases = req.chargingBases;
        p.version = version;
        p.previousVersionId = req.previousVersionId;
        p.registeredAt = nowTs;
        p.pricingBasisHash = req.pricingBasisHash;
        p.usageHash = req.usageHash;
        p.descriptionHash = req.descriptionHash;
        p.resourceIds = req.resourceIds;
        p.parentProductIds = req.parentProductIds;
        emit ProductRegistered(
            id,
            req.holderId,
            req.scenarioId,
            sc.authorizationId,
            version,
            req,
            req.publicText,
            msg.sender
        );
    }

    // ===== REVIEW, CERTIFICATES, RELEASE (C18, C19) =====

    /// @inheritdoc IProductRegistry
    function reviewProduct(uint64 id, bool pass, bytes32 reportHash) external onlyRoles(EXPERT, DATA_AUTHORITY) {
        Product storage p = _get(id);
        if (p.status != ProductStatus.Registered) revert ProductRegistryWrongStatus(id, p.status);
        if (reportHash == bytes32(0)) revert ProductRegistryInvalidData("reportHash");
        // Ensure that nobody reviews its own organization's product.
        if (_participants().participantOf(msg.sender) == p.holderId) {
            revert ProductRegistryConflictOfInterest(id, msg.sender);
        }
        // Ensure that each reviewer gives one opinion per round: one key cannot make up the quorum
        // or outvote a failure alone. A failure opens a new round (a review after rectification).
        uint256 round = _reviewRound[id];
        if (_reviewedIn[id][round][msg.sender]) revert ProductRegistryAlreadyReviewed(id, msg.sender);
        _reviewedIn[id][round][msg.sender] = true;
        if (pass) {
            ++p.reviewPasses;
            ++p.passesSinceFailure;
        } else {
            ++p.reviewFailures;
            p.passesSinceFailure = 0;
            _reviewRound[id] = round + 1;
        }
        // Ensure that dissent counts (C18): enough passes since the last failure, and more
        // passes than failures, before the product may be listed.
        uint8 quorum = _authorizations().policy().productReviewQuorum;
        if (p.passesSinceFailure >= quorum && p.reviewPasses > p.reviewFailures) {
            p.status = ProductStatus.Reviewed;
            p.reviewedAt = _now();
            p.reviewReportHash = reportHash;
        }
        emit ProductReviewed(id, pass, reportHash, p.status, msg.sender);
    }

    /// @inheritdoc IProductRegistry
    function recordCertificate(uint64 id, bytes32 kind, bytes32 documentHash) external returns (uint32 index) {
        Product storage p = _get(id);
        _checkAuthorityOrHolder(id, p.holderId);
        if (kind == bytes32(0)) revert ProductRegistryInvalidData("kind");
        if (documentHash == bytes32(0)) revert ProductRegistryInvalidData("documentHash");
        index = p.certificateCount++;
        _certificates[id][index] = Certificate({
            kind: kind,
            documentHash: documentHash,
            recordedAt: _now(),
            recordedBy: msg.sender
        });
        emit ProductCertificateRecorded(id, index, kind, documentHash, msg.sender);
    }

    /// @inheritdoc IProductRegistry
    function listProduct(uint64 id) external {
        Product storage p = _get(id);
        _participants().requireActiveSigner(p.holderId, ParticipantKind.None, msg.sender);
        // Ensure that the product passed its compliance and security review (C18).
        if (p.status != ProductStatus.Reviewed) revert ProductRegistryWrongStatus(id, p.status);
        uint64 nowTs = _now();
        // Ensure that it holds a valid registration code (C36).
        if (!isRegistered(id, nowTs)) revert ProductRegistryNotRegistered(id, nowTs);
        // Ensure that its scenario is still approved and its authorization active (C17).
        uint64 scenarioId = p.scenarioId;
        if (!_scenarios().isApproved(scenarioId)) revert ProductRegistryScenarioNotApproved(scenarioId);
        if (!_authorizations().isActive(p.authorizationId, nowTs)) {
            revert ProductRegistryAuthorizationInactive(scenarioId, p.authorizationId, nowTs);
        }
        p.status = ProductStatus.Listed;
        p.listedAt = nowTs;
        RegistrationRecord storage reg = _registrationRecord(id);
        emit ProductListed(
            id,
            p.holderId,
            scenarioId,
            p.authorizationId,
            reg.code,
            reg.validUntil,
            p.reviewReportHash,
            msg.sender
        );
    }

    /// @inheritdoc IProductRegistry
    function delistProduct(uint64 id, bytes32 reasonHash, string calldata statement) external {
        Product storage p = _get(id);
        _checkAuthorityOrHolder(id, p.holderId);
        ProductStatus from = p.status;
        if (from == ProductStatus.Delisted) revert ProductRegistryWrongStatus(id, from);
        if (reasonHash == bytes32(0)) revert ProductRegistryInvalidData("reasonHash");
        // Ensure that a delisting says why, in public (C21).
        PublicText.checkStatement(statement, true);
        p.status = ProductStatus.Delisted;
        p.delistedAt = _now();
        emit ProductDelisted(id, p.holderId, from, reasonHash, statement, msg.sender);
    }

    // ===== GETTERS =====

    /// @inheritdoc IProductRegistry
    function product(uint64 id) external view returns (Product memory) {
        return _get(id);
    }

    /// @inheritdoc IProductRegistry
    function certificate(uint64 id, uint32 index) external view returns (Certificate memory) {
        if (index >= _get(id).certificateCount) revert ProductRegistryInvalidData("index");
        return _certificates[id][index];
    }

    /// @inheritdoc IProductRegistry
    function allowsCharging(uint64 id, ChargingBasis basis) external view returns (bool) {
        return basis != ChargingBasis.None && (_get(id).chargingBases & (uint8(1) << uint8(basis))) != 0;
    }

    /// @inheritdoc IProductRegistry
    function isUsable(uint64 id, uint64 at) public view returns (bool) {
        Product storage p = _products[id];
        if (p.status != ProductStatus.Listed || at < p.listedAt) return false;
        if (!isRegistered(id, at)) return false;
        if (!_scenarios().isApproved(p.scenarioId) || !_authorizations().isActive(p.authorizationId, at)) return false;
        // Ensure that every resource it is built on may still be used (C10, C36).
        IResourceCatalog catalog = _catalog();
        uint256 nr = p.resourceIds.length;
        for (uint256 i = 0; i < nr; ++i) {
            if (!catalog.isAuthorizable(p.resourceIds[i], at)) return false;
        }
        // Ensure that the whole lineage is usable: a product derived from a product that may no
        // longer be offered may not be offered either (C14).
        uint256 np = p.parentProductIds.length;
        for (uint256 i = 0; i < np; ++i) {
            if (!isUsable(p.parentProductIds[i], at)) return false;
        }
        return true;
    }

    /// @inheritdoc IProductRegistry
    function productCount() external view returns (uint64) {
        return _count;
    }

    // ===== HELPERS =====

    /// @dev Only a signer of the product's holder applies for its registration (C36).
    function _checkRegistrationApplicant(uint64 subjectId) internal view override {
        _participants().requireActiveSigner(_get(subjectId).holderId, ParticipantKind.None, msg.sender);
    }

    function _checkAuthorityOrHolder(uint64 id, uint64 holderId) private view {
        if (!_hasRole(DATA_AUTHORITY, msg.sender) && !_participants().isActiveSigner(holderId, msg.sender)) {
            revert ProductRegistryNotAuthorized(id, msg.sender);
        }
    }

    function _validate(ProductRequest calldata req) private pure {
        if (req.kind == ProductKind.None) revert ProductRegistryInvalidData("kind");
        if (req.pricingBasisHash == bytes32(0)) revert ProductRegistryInvalidData("pricingBasisHash");
        if (req.usageHash == bytes32(0)) revert ProductRegistryInvalidData("usageHash");
        if (req.descriptionHash == bytes32(0)) revert ProductRegistryInvalidData("descriptionHash");
        // Ensure that the bases are real ones, and that source departments keep their free trial
        // (004 第十六条: 数源单位享有数据产品免费试用权利).
        uint8 bases = req.chargingBases;
        if (bases == 0 || (bases & ~_ALL_BASES) != 0) revert ProductRegistryInvalidChargingBases(bases);
        if ((bases & _FREE_TRIAL_BIT) == 0) revert ProductRegistryFreeTrialMissing(bases);
    }

    /// @dev Lineage: resources the scenario lists (C14) and parent products usable now whose own
    /// lineage lies within the scenario's authorization, both strictly ascending.
    function _checkLineage(
        ProductRequest calldata req,
        uint64[] memory scenarioResources,
        uint64 scenarioAuthorization,
        uint64 nowTs
    ) private view {
        uint256 nr = req.resourceIds.length;
        uint256 np = req.parentProductIds.length;
        if (nr + np == 0) revert ProductRegistryEmptyLineage();
        if (nr > MAX_LINEAGE) revert ProductRegistryTooManyLineageIds(nr, MAX_LINEAGE);
        if (np > MAX_LINEAGE) revert ProductRegistryTooManyLineageIds(np, MAX_LINEAGE);
        // Both lists ascend, so one merge pass over the scenario's sorted list checks inclusion.
        uint256 j = 0;
        for (uint256 i = 0; i < nr; ++i) {
            uint64 r = req.resourceIds[i];
            if (i > 0 && r <= req.resourceIds[i - 1]) revert ProductRegistryLineageNotAscending("resourceIds", i, r);
            while (j < scenarioResources.length && scenarioResources[j] < r) ++j;
            if (j == scenarioResources.length || scenarioResources[j] != r) {
                revert ProductRegistryResourceOutsideScenario(req.scenarioId, r);
            }
        }
        for (uint256 i = 0; i < np; ++i) {
            uint64 parent = req.parentProductIds[i];
            if (i > 0 && parent <= req.parentProductIds[i - 1]) {
                revert ProductRegistryLineageNotAscending("parentProductIds", i, parent);
            }
            if (!isUsable(parent, nowTs)) revert ProductRegistryParentNotUsable(parent);
            _requireLineageInScope(parent, scenarioAuthorization);
        }
    }

    /// @dev Every resource in `productId`'s lineage is within `authorizationId`'s scope (C14, C13):
    /// a parent built on data the child's holder was never granted would launder that data.
    function _requireLineageInScope(uint64 productId, uint64 authorizationId) private view {
        Product storage p = _products[productId];
        if (p.authorizationId == authorizationId) return; // in scope by construction
        IAuthorizationRegistry auths = _authorizations();
        uint256 nr = p.resourceIds.length;
        for (uint256 i = 0; i < nr; ++i) {
            if (!auths.inScope(authorizationId, p.resourceIds[i])) {
                revert ProductRegistryParentOutsideScope(productId, p.resourceIds[i], authorizationId);
            }
        }
        uint256 np = p.parentProductIds.length;
        for (uint256 i = 0; i < np; ++i) {
            _requireLineageInScope(p.parentProductIds[i], authorizationId);
        }
    }

    /// @dev A new version keeps lineage to the one it replaces: same holder and kind, one successor each.
    function _linkVersion(uint64 id, ProductRequest calldata req) private returns (uint32) {
        uint64 prevId = req.previousVersionId;
        if (prevId == NO_ID) return 1;
        Product storage prev = _get(prevId);
        if (prev.holderId != req.holderId || prev.kind != req.kind) {
            revert ProductRegistryVersionMismatch(prevId, prev.holderId, prev.kind);
        }
        if (prev.nextVersionId != NO_ID) revert ProductRegistryVersionTaken(prevId, prev.nextVersionId);
        prev.nextVersionId = id;
        return prev.version + 1;
    }

    function _get(uint64 id) private view returns (Product storage p) {
        p = _products[id];
        if (p.status == ProductStatus.None) revert ProductRegistryUnknownProduct(id);
    }

    function _scenarios() private view returns (IScenarioRegistry) {
        return IScenarioRegistry(_contract(SCENARIO_REGISTRY));
    }

    function _authorizations() private view returns (IAuthorizationRegistry) {
        return IAuthorizationRegistry(_contract(AUTHORIZATION_REGISTRY));
    }

    function _catalog() private view returns (IResourceCatalog) {
        return IResourceCatalog(_contract(RESOURCE_CATALOG));
    }

    function _participants() private view returns (IParticipantRegistry) {
        return IParticipantRegistry(_contract(PARTICIPANT_REGISTRY));
    }
}
