// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IProvenantHub} from "./interfaces/IProvenantHub.sol";
import {IResourceCatalog} from "./interfaces/IResourceCatalog.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {Registrable} from "./common/Registrable.sol";
import {HubConsumer} from "./common/HubConsumer.sol";
import {PublicText} from "./common/PublicText.sol";
import {DATA_AUTHORITY, PARTICIPANT_REGISTRY, ParticipantKind} from "./common/Types.sol";

/**
 * @title ResourceCatalog
 * @notice 公共数据资源目录 with registration (登记) of resources.
 * @dev C09 一数一源 (003 第十五条), C10 (002 第二条; 003 第十三条), C11 (003 第十二条), C36.
 */
contract ResourceCatalog is Registrable, IResourceCatalog {
    uint64 private _count;
    mapping(uint64 id => Resource) private _resources;
    mapping(uint64 id => ResourceData) private _pending;
    mapping(bytes32 catalogKey => uint64 id) private _idByKey;
    /// @dev keccak256 of the public text of the pending change (the text itself is in the event only).
    mapping(uint64 id => bytes32 textHash) private _pendingTextHash;

    /// @param registrationNoticeMin minimum public notice of a registration, in seconds.
    constructor(IProvenantHub hub_, uint64 registrationNoticeMin) HubConsumer(hub_) Registrable(registrationNoticeMin) {}

    // ===== CATALOG ENTRIES =====

    /// @inheritdoc IResourceCatalog
    function proposeResource(
        uint64 sourceDeptId,
        ResourceData calldata data,
        string calldata publicText
    ) external returns (uint64 id) {
        _participants().requireActiveSigner(sourceDeptId, ParticipantKind.SourceDepartment, msg.sender);
        _validate(data);
        PublicText.checkRecord(publicText);
        // Ensure that the data item has no other source: 一数一源 (003 第十五条).
        uint64 existing = _idByKey[data.catalogKey];
        if (existing != 0) {
            revert ResourceCatalogDuplicateSource(data.catalogKey, existing, _resources[existing].sourceDeptId);
        }
        id = ++_count;
        _idByKey[data.catalogKey] = id;
        Resource storage r = _resources[id];
        r.sourceDeptId = sourceDeptId;
        r.status = ResourceStatus.Proposed;
        r.proposedAt = _now();
        r.changedAt = _now();
        r.data = data;
        emit ResourceProposed(id, sourceDeptId, data, publicText, msg.sender);
    }

    /// @inheritdoc IResourceCatalog
    function reviewResource(uint64 id, bool approve, bytes32 opinionHash) external onlyRole(DATA_AUTHORITY) {
        Resource storage r = _get(id);
        if (r.status != ResourceStatus.Proposed) revert ResourceCatalogWrongStatus(id, r.status);
        if (approve) {
            r.status = ResourceStatus.Listed;
            r.approvedAt = _now();
        } else {
            r.status = ResourceStatus.Rejected;
            // A refused entry frees its catalog key so the rightful source can file it.
            delete _idByKey[r.data.catalogKey];
        }
        emit ResourceReviewed(id, approve, opinionHash, msg.sender);
    }

    /// @inheritdoc IResourceCatalog
    function proposeChange(uint64 id, ResourceData calldata data, string calldata publicText) external {
        Resource storage r = _get(id);
        _participants().requireActiveSigner(r.sourceDeptId, ParticipantKind.SourceDepartment, msg.sender);
        if (r.status != ResourceStatus.Listed && r.status != ResourceStatus.Updated) {
            revert ResourceCatalogWrongStatus(id, r.status);
        }
        if (r.changePending) revert ResourceCatalogChangePending(id);
        _validate(data);
        if (data.catalogKey != r.data.catalogKey) revert ResourceCatalogCatalogKeyChanged(id);
        PublicText.checkRecord(publicText);
        r.changePending = true;
        _pending[id] = data;
        _pendingTextHash[id] = keccak256(bytes(publicText));
        emit ResourceChangeProposed(id, data, publicText, msg.sender);
    }

    /// @inheritdoc IResourceCatalog
    function reviewChange(
        uint64 id,
        bool approve,
        bytes32 opinionHash,
        string calldata publicText
    ) external onlyRole(DATA_AUTHORITY) {
        Resource storage r = _get(id);
        if (!r.changePending) revert ResourceCatalogNoPendingChange(id);
        // Ensure that a change left pending when the resource was delisted cannot relist it.
        if (r.status != ResourceStatus.Listed && r.status != ResourceStatus.Updated) {
            revert ResourceCatalogWrongStatus(id, r.status);
        }
        // Ensure that the text the review adopts is the one proposed with the change.
        bytes32 proposedHash = _pendingTextHash[id];
        bytes32 givenHash = keccak256(bytes(publicText));
        if (givenHash != proposedHash) revert ResourceCatalogPublicTextMismatch(id, proposedHash, givenHash);
        ResourceData memory data = _pending[id];
        r.changePending = false;
        delete _pending[id];
        delete _pendingTextHash[id];
        if (approve) {
            r.data = data;
            r.status = ResourceStatus.Updated;
            r.changedAt = _now();
        }
        emit ResourceChangeReviewed(id, approve, data, publicText, opinionHash, msg.sender);
    }

    /// @inheritdoc IResourceCatalog
    function delistResource(
        uint64 id,
        bytes32 reasonHash,
        string calldata statement
    ) external onlyRole(DATA_AUTHORITY) {
        Resource storage r = _get(id);
        if (r.status != ResourceStatus.Listed && r.status != ResourceStatus.Updated) {
            revert ResourceCatalogWrongStatus(id, r.status);
        }
        PublicText.checkStatement(statement, true);
        r.status = ResourceStatus.Delisted;
        r.changedAt = _now();
        emit ResourceDelisted(id, reasonHash, statement, msg.sender);
    }

    // ===== GETTERS =====

    /// @inheritdoc IResourceCatalog
    function resource(uint64 id) external view returns (Resource memory) {
        return _get(id);
    }

    /// @inheritdoc IResourceCatalog
    function pendingChange(uint64 id) external view returns (ResourceData memory) {
        if (!_get(id).changePending) revert ResourceCatalogNoPendingChange(id);
        return _pending[id];
    }

    /// @inheritdoc IResourceCatalog
    function resourceByKey(bytes32 catalogKey) external view returns (uint64) {
        return _idByKey[catalogKey];
    }

    /// @inheritdoc IResourceCatalog
    function requireAuthorizable(uint64 id) external view {
        Resource storage r = _get(id);
        // Ensure that the resource is in the catalog.
        if (r.status != ResourceStatus.Listed && r.status != ResourceStatus.Updated) {
            revert ResourceCatalogWrongStatus(id, r.status);
        }
        // Ensure that non-open data is authorized only once desensitized (002 第二条).
        if (r.data.openAttribute == OpenAttribute.NotOpen && !r.data.desensitized) {
            revert ResourceCatalogNotOpenNotDesensitized(id);
        }
        // Ensure that data needing the consent of its subjects has it (003 第十三条).
        if (r.data.consent == ConsentBasis.Required) revert ResourceCatalogConsentMissing(id);
        // Ensure that resources in authorized operation are registered (C36).
        if (!isRegistered(id, _now())) revert ResourceCatalogNotRegistered(id);
    }

    /// @inheritdoc IResourceCatalog
    function isAuthorizable(uint64 id, uint64 at) external view returns (bool) {
        Resource storage r = _resources[id];
        if (r.status != ResourceStatus.Listed && r.status != ResourceStatus.Updated) return false;
        if (r.data.openAttribute == OpenAttribute.NotOpen && !r.data.desensitized) return false;
        if (r.data.consent == ConsentBasis.Required) return false;
        return isRegistered(id, at);
    }

    /// @inheritdoc IResourceCatalog
    function resourceCount() external view returns (uint64) {
        return _count;
    }

    // ===== HELPERS =====

    /// @dev Only the resource's source department applies for its registration.
    function _checkRegistrationApplicant(uint64 subjectId) internal view override {
        Resource storage r = _get(subjectId);
        if (r.status != ResourceStatus.Listed && r.status != ResourceStatus.Updated) {
            revert ResourceCatalogWrongStatus(subjectId, r.status);
        }
        _participants().requireActiveSigner(r.sourceDeptId, ParticipantKind.SourceDepartment, msg.sender);
    }

    function _get(uint64 id) private view returns (Resource storage r) {
        r = _resources[id];
        if (r.status == ResourceStatus.None) revert ResourceCatalogUnknownResource(id);
    }

    function _validate(ResourceData calldata data) private pure {
        if (data.catalogKey == bytes32(0)) revert ResourceCatalogInvalidData("catalogKey");
        if (data.classification == 0 || data.classification > 4) revert ResourceCatalogInvalidData("classification");
        if (data.shareType == ShareType.None) revert ResourceCatalogInvalidData("shareType");
        if (data.openAttribute == OpenAttribute.None) revert ResourceCatalogInvalidData("openAttribute");
        if (data.consent == ConsentBasis.None) revert ResourceCatalogInvalidData("consent");
        if (data.updateFrequency == UpdateFrequency.None) revert ResourceCatalogInvalidData("updateFrequency");
        if (data.metadataHash == bytes32(0)) revert ResourceCatalogInvalidData("metadataHash");
    }

    function _participants() private view returns (IParticipantRegistry) {
        return IParticipantRegistry(_contract(PARTICIPANT_REGISTRY));
    }
}
