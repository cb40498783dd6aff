// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {IProvenantHub} from "./interfaces/IProvenantHub.sol";
import {IReceiptAnchor} from "./interfaces/IReceiptAnchor.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {HubConsumer} from "./common/HubConsumer.sol";
import {PLATFORM_NODE, PARTICIPANT_REGISTRY, ParticipantKind, ParticipantStatus} from "./common/Types.sol";

/**
 * @title ReceiptAnchor
 * @notice 使用回执: platform nodes commit batches of usage receipts as Merkle roots, numbered
 * without gaps per node; anyone verifies a receipt against an anchored root.
 * @dev C20 (002 第二十五条), C22 (000 第十九条), C31 (004 第十八条), C33; C34 (no receipt, and so
 * no user digest, ever reaches the chain: only roots). Anchoring costs the same for any batch size,
 * so the cost per receipt falls as batches grow (bench/gas-receipts.ts).
 */
contract ReceiptAnchor is HubConsumer, EIP712, IReceiptAnchor {
    /// @dev The EIP-712 struct a node key signs for one receipt (scripts/lib/receipts.ts).
    bytes32 private constant _RECEIPT_TYPEHASH = keccak256("UsageReceipt(bytes32 leaf)");

    /// @dev Where a root was anchored.
    struct RootRef {
        uint64 nodeId; // the committing node (0: never anchored)
        uint64 sequence; // its batch number
    }

    mapping(uint64 nodeId => uint64 sequence) private _lastSequence;
    mapping(uint64 nodeId => mapping(uint64 sequence => Batch)) private _batches;
    mapping(bytes32 root => RootRef) private _roots;

    constructor(IProvenantHub hub_) HubConsumer(hub_) EIP712("Provenant ReceiptAnchor", "1") {}

    // ===== ANCHORING (C31) =====

    /// @inheritdoc IReceiptAnchor
    function anchorBatch(BatchRequest calldata req) external onlyRole(PLATFORM_NODE) {
        _checkNode(req.nodeId);
        // Ensure that batches are numbered without gaps, so a withheld batch shows (000 第十九条).
        uint64 expected = _lastSequence[req.nodeId] + 1;
        if (req.sequence != expected) revert ReceiptAnchorUnexpectedSequence(req.nodeId, expected, req.sequence);
        if (req.root == bytes32(0)) revert ReceiptAnchorZeroRoot();
        if (req.metadataHash == bytes32(0)) revert ReceiptAnchorZeroMetadataHash();
        if (req.receiptCount == 0) revert ReceiptAnchorZeroCount();
        // Ensure that the time range is one the receipts can span: ordered, and a single receipt
        // has a single time; and that no receipt claims a time the chain has not reached.
        if (req.firstAt == 0 || req.firstAt > req.lastAt || (req.receiptCount == 1 && req.firstAt != req.lastAt)) {
            revert ReceiptAnchorInvalidTimeRange(req.firstAt, req.lastAt, req.receiptCount);
        }
        uint64 nowTs = _now();
        if (req.lastAt > nowTs) revert ReceiptAnchorFutureTimestamp(req.lastAt, nowTs);
        RootRef memory seen = _roots[req.root];
        if (seen.nodeId != 0) revert ReceiptAnchorRootAlreadyAnchored(req.root, seen.nodeId, seen.sequence);

        _lastSequence[req.nodeId] = req.sequence;
        _roots[req.root] = RootRef({nodeId: req.nodeId, sequence: req.sequence});
        _batches[req.nodeId][req.sequence] = Batch({
            root: req.root,
            anchoredBy: msg.sender,
            anchoredAt: nowTs,
            receiptCount: req.receiptCount,
            firstAt: req.firstAt,
            lastAt: req.lastAt
        });
        emit BatchAnchored(
            req.nodeId,
            req.sequence,
            req.root,
            req.receiptCount,
            req.firstAt,
            req.lastAt,
            req.metadataHash,
            nowTs,
            msg.sender
        );
    }

    // ===== GETTERS =====

    /// @inheritdoc IReceiptAnchor
    function batch(uint64 nodeId, uint64 sequence) external view returns (Batch memory) {
        return _batches[nodeId][sequence];
    }

    /// @inheritdoc IReceiptAnchor
    function lastSequence(uint64 nodeId) external view returns (uint64) {
        return _lastSequence[nodeId];
    }

    /// @inheritdoc IReceiptAnchor
    function isAnchoredRoot(bytes32 root) external view returns (uint64 nodeId, uint64 sequence) {
        RootRef memory ref = _roots[root];
        return (ref.nodeId, ref.sequence);
    }

    /// @inheritdoc IReceiptAnchor
    function verifyReceipt(
        bytes32 leaf,
        bytes32[] calldata proof,
        uint64 nodeId,
        uint64 sequence
    ) external view returns (bool) {
        bytes32 root = _batches[nodeId][sequence].root;
        if (root == bytes32(0)) return false;
        return MerkleProof.verifyCalldata(proof, root, leaf);
    }

    /// @inheritdoc IReceiptAnchor
    function receiptSignatureDigest(bytes32 leaf) external view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(_RECEIPT_TYPEHASH, leaf)));
    }

    // ===== HELPERS =====

    /// @dev Reverts unless `nodeId` is an Active Operator or ImplementingAgency and the caller is
    /// one of its signer keys. One registry call on the happy path besides the kind.
    function _checkNode(uint64 nodeId) private view {
        IParticipantRegistry participants = IParticipantRegistry(_contract(PARTICIPANT_REGISTRY));
        ParticipantKind kind = participants.kindOf(nodeId);
        if (kind == ParticipantKind.None) revert ReceiptAnchorUnknownNode(nodeId);
        if (kind != ParticipantKind.Operator && kind != ParticipantKind.ImplementingAgency) {
            revert ReceiptAnchorWrongNodeKind(nodeId, kind);
        }
        if (!participants.isActiveSigner(nodeId, msg.sender)) {
            ParticipantStatus status = participants.statusOf(nodeId);
            if (status != ParticipantStatus.Active) revert ReceiptAnchorNodeNotActive(nodeId, status);
            revert ReceiptAnchorNotNodeSigner(nodeId, msg.sender);
        }
    }
}
