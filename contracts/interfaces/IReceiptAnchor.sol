// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ParticipantKind, ParticipantStatus} from "../common/Types.sol";

/**
 * @title IReceiptAnchor
 * @notice Usage receipts (使用回执), anchored in batches. A platform node (授权运营平台) records
 * every use of a data product or resource as a receipt off chain, builds a Merkle tree of a batch
 * of receipts and commits here only the root, the receipt count, the time range the receipts span,
 * the batch's sequence number and a metadata hash. Anyone who holds a receipt and its inclusion
 * proof can then check, against the chain alone, that the node committed to exactly that receipt
 * (`verifyReceipt`): 全面留痕 (000 第十九条), tamper evidence for the monitoring of 数据篡改和违规使用
 * (004 第十八条, C31), the recorded identity of each product user (002 第二十五条, C20) and the
 * charging basis of each use (C33).
 *
 * The node. `nodeId` is the participant id of the organization that runs the platform node: an
 * operator (一级运营主体) or the implementing agency (实施机构, e.g. 政务数据事务中心). A batch is
 * committed by a key that holds PLATFORM_NODE in the hub AND is a signer key of that participant,
 * which must be Active; sequence numbers run per node from 1, without gaps.
 *
 * The leaf. A receipt is `abi.encode`d in a fixed order (scripts/lib/receipts.ts,
 * RECEIPT_LEAF_ENCODING) and hashed twice, `keccak256(bytes.concat(keccak256(abi.encode(...))))`,
 * so a leaf can never pass for an inner node; pairs are hashed sorted, as the StandardMerkleTree
 * of the npm package openzeppelin merkle-tree builds them and MerkleProof checks them.
 *
 * No personal data (C34): a receipt names its user only as a salted digest kept off chain, and
 * receipts themselves never reach the chain, only their root.
 */
interface IReceiptAnchor {
    // ===== TYPES =====

    /// @notice A batch commitment: more than four values, so a request struct.
    struct BatchRequest {
        uint64 nodeId; // participant running the node (an Operator or the ImplementingAgency)
        uint64 sequence; // this node's batch number: exactly lastSequence(nodeId) + 1
        bytes32 root; // Merkle root of the batch's receipt leaves (sorted pairs)
        uint32 receiptCount; // number of receipts (leaves) in the tree, at least 1
        uint64 firstAt; // timestamp of the earliest receipt, Unix seconds
        uint64 lastAt; // timestamp of the latest receipt, Unix seconds: firstAt <= lastAt <= now
        bytes32 metadataHash; // hash of the batch manifest kept off chain (receipt ids, software)
    }

    /// @notice A batch as stored (the metadata hash is in the event only).
    struct Batch {
        bytes32 root; // Merkle root (0: no such batch)
        address anchoredBy; // the node key that committed it
        uint64 anchoredAt; // block time of the commitment
        uint32 receiptCount; // number of receipts in the tree
        uint64 firstAt; // timestamp of the earliest receipt
        uint64 lastAt; // timestamp of the latest receipt
    }

    // ===== EVENTS =====

    /// @notice Node `nodeId` committed batch `sequence`; carries every field of the commitment.
    event BatchAnchored(
        uint64 indexed nodeId,
        uint64 indexed sequence,
        bytes32 indexed root,
        uint32 receiptCount,
        uint64 firstAt,
        uint64 lastAt,
        bytes32 metadataHash,
        uint64 anchoredAt,
        address anchoredBy
    );

    // ===== ERRORS =====

    /// @notice `nodeId` is not a registered participant.
    error ReceiptAnchorUnknownNode(uint64 nodeId);
    /// @notice Participant `nodeId` is of a kind that does not run a platform node.
    error ReceiptAnchorWrongNodeKind(uint64 nodeId, ParticipantKind kind);
    /// @notice Participant `nodeId` is not Active (suspended for rectification, or exited).
    error ReceiptAnchorNodeNotActive(uint64 nodeId, ParticipantStatus status);
    /// @notice `account` is not a signer key of participant `nodeId`.
    error ReceiptAnchorNotNodeSigner(uint64 nodeId, address account);
    /// @notice The batch number is not the node's next one (a gap, or a replay).
    error ReceiptAnchorUnexpectedSequence(uint64 nodeId, uint64 expected, uint64 given);
    /// @notice The Merkle root is zero.
    error ReceiptAnchorZeroRoot();
    /// @notice The metadata hash is zero.
    error ReceiptAnchorZeroMetadataHash();
    /// @notice A batch holds no receipt.
    error ReceiptAnchorZeroCount();
    /// @notice The time range is empty or inconsistent (first after last, or one receipt spanning two times).
    error ReceiptAnchorInvalidTimeRange(uint64 firstAt, uint64 lastAt, uint32 receiptCount);
    /// @notice The latest receipt is dated after the block time.
    error ReceiptAnchorFutureTimestamp(uint64 lastAt, uint64 nowTs);
    /// @notice The same root was already committed (by `nodeId` as batch `sequence`).
    error ReceiptAnchorRootAlreadyAnchored(bytes32 root, uint64 nodeId, uint64 sequence);

    // ===== FUNCTIONS =====

    /**
     * @notice Commits a batch of usage receipts of node `req.nodeId`. The caller holds
     * PLATFORM_NODE and is a signer key of the Active participant `req.nodeId` (an Operator or
     * the ImplementingAgency); `req.sequence` is the node's next batch number.
     * @dev 000 第十九条: every activity on the platform leaves a trace (留痕); 004 第十八条: the
     * anchored roots make tampering with a receipt detectable (C31); 002 第二十五条: each receipt
     * records the product user's verified identity as a pseudonymous digest (C20).
     */
    function anchorBatch(BatchRequest calldata req) external;

    /// @notice Batch `sequence` of node `nodeId` (all zero if there is none).
    function batch(uint64 nodeId, uint64 sequence) external view returns (Batch memory);

    /// @notice The last batch number node `nodeId` committed (0: none yet).
    function lastSequence(uint64 nodeId) external view returns (uint64);

    /// @notice The node and batch number that committed `root` (0, 0: never anchored).
    function isAnchoredRoot(bytes32 root) external view returns (uint64 nodeId, uint64 sequence);

    /**
     * @notice True when `leaf` is in batch `sequence` of node `nodeId`, by `proof` (sorted pairs,
     * OpenZeppelin MerkleProof). False for a batch that does not exist.
     * @dev 004 第十八条 (C31): anyone can check a receipt against the chain, trusting no service.
     * `leaf` is the double hash of the receipt's encoding (see the contract notice).
     */
    function verifyReceipt(
        bytes32 leaf,
        bytes32[] calldata proof,
        uint64 nodeId,
        uint64 sequence
    ) external view returns (bool);

    /**
     * @notice The EIP-712 digest a node key signs to vouch for one receipt before it is anchored:
     * `UsageReceipt(bytes32 leaf)` in the domain ("Provenant ReceiptAnchor", "1", chain id, this
     * contract). A receipt file may carry such a signature; verifiers recover the key and look it
     * up among the node's signer keys in the ParticipantRegistry.
     */
    function receiptSignatureDigest(bytes32 leaf) external view returns (bytes32);
}
