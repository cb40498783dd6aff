// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ParticipantKind, ParticipantStatus} from "../common/Types.sol";

/**
 * @title IReceiptAnchor
 * @notice Usage receipts (使用回执), anchored in batches. A platform node (授权运营平台) records
 * every use of a data product or resource as a receipt off chain, builds a Merkle tree of a batch
 * of receipts and commits here the root, the receipt count, the time range the receipts span,
 * the batch's sequence number, a metadata hash and the batch's usage counts. Anyone who holds a
 * receipt and its inclusion proof can then check, against the chain alone, that the node
 * committed to exactly that receipt (`verifyReceipt`): 全面留痕 (000 第十九条), tamper evidence for
 * the monitoring of 数据篡改和违规使用 (004 第十八条, C31), the recorded identity of each product
 * user (002 第二十五条, C20) and the charging basis and fee of each use (C33; 001 第二十四条,
 * 004 第十六条).
 *
 * The node. `nodeId` is the participant id of the organization that runs the platform node: an
 * operator (一级运营主体) or the implementing agency (实施机构, e.g. 政务数据事务中心) that the data
 * authority recorded as running one (IParticipantRegistry.setPlatformNode). A batch is committed
 * by a key the hub binds to that node (`IProvenantHub.nodeOf(key) == nodeId`): a signer key of
 * the Active participant, holding PLATFORM_NODE by the registry's mirror. That binding is the
 * only access check, one storage read. Only the participant's status matters: a node keeps
 * anchoring while an authorization of its organization is suspended, since those uses must be
 * traced too. Sequence numbers run per node from 1, without gaps.
 *
 * Storage is lean: per node one slot (`NodeState`), per batch one slot (its root). Everything
 * else a reader needs is in `BatchAnchored`. A root is a node's own: two nodes may anchor the same
 * root, and nothing one node commits can block another's batch.
 *
 * The key check costs nothing in the steady state: the node's slot remembers the key that
 * committed its last batch (`lastKey`), and the hub tells this contract when it unbinds a key
 * (`forgetNodeKey`), so `lastKey != 0` implies `hub.nodeOf(lastKey) == nodeId`. A batch sent by
 * `lastKey` needs no hub call; any other key is looked up in the hub, and remembered once its
 * batch is committed.
 *
 * Time. A batch spans `[firstAt, lastAt]`, with `firstAt <= lastAt <=` the block time; a single
 * receipt has a single time. A node's batches never start before its registration, nor before
 * the start of its previous batch (a late receipt may still fall inside the previous range).
 *
 * Usage counts (`usage`, published in the event): one word per product, scenario and resource the
 * batch's receipts name, `kind (8 bits) | id (64) | count (32) | 24 zero bits | fee in fen (128)`,
 * kind 1 Product, 2 Scenario, 3 Resource (scripts/lib/receipts.ts, encodeUsageWord). Words are
 * strictly ascending by (kind, id), so each entry appears once. Every receipt counts once under
 * its scenario (the Scenario counts sum to the receipt count, their fees to the batch's fees),
 * once under its product if it names one (Product counts sum to at most the receipt count, their
 * fees to at most the Scenario fees), and once under each resource it uses directly (a receipt
 * names a product or resources, never both; a Resource entry carries no fee).
 *
 * The leaf. A receipt is `abi.encode`d in a fixed order (scripts/lib/receipts.ts,
 * RECEIPT_LEAF_ENCODING) and hashed twice, `keccak256(bytes.concat(keccak256(abi.encode(...))))`,
 * so a leaf can never pass for an inner node; pairs are hashed sorted, as the StandardMerkleTree
 * of the npm package openzeppelin merkle-tree builds them and MerkleProof checks them.
 *
 * No personal data (C34): a receipt names its user only as a salted digest kept off chain, and
 * receipts themselves never reach the chain, only their root and aggregate counts.
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
        bytes32[] usage; // usage counts, strictly ascending words (see the notice), at most 512
    }

    /// @notice What the anchor keeps of a node: one storage slot.
    struct NodeState {
        uint48 lastSequence; // the last batch number committed (0: none yet)
        uint48 lastFirstAt; // first receipt time of that batch: the next batch starts no earlier
        address lastKey; // the key that committed it, while the hub still binds it to the node (else 0)
    }

    // ===== EVENTS =====

    /**
     * @notice Node `nodeId` committed batch `sequence`; carries every field of the commitment and
     * the key that sent it. The commitment's time is the block's.
     */
    event BatchAnchored(
        uint64 indexed nodeId,
        uint64 indexed sequence,
        bytes32 root,
        uint32 receiptCount,
        uint64 firstAt,
        uint64 lastAt,
        bytes32 metadataHash,
        address anchoredBy,
        bytes32[] usage
    );

    /// @notice The hub unbound `key`, the key that committed node `nodeId`'s last batch: a later
    /// batch by it asks the hub again (and is refused while it is not bound).
    event NodeKeyForgotten(uint64 indexed nodeId, address indexed key);

    // ===== ERRORS =====

    /// @notice Only the hub reports unbound keys.
    error ReceiptAnchorNotHub(address account);

    /// @notice `account` is not a key of platform node `nodeId` (hub `nodeOf`), though the node is
    /// an Active participant running a platform node.
    error ReceiptAnchorNotNodeKey(uint64 nodeId, address account);
    /// @notice `nodeId` is not a registered participant.
    error ReceiptAnchorUnknownNode(uint64 nodeId);
    /// @notice Participant `nodeId` is of a kind that does not run a platform node.
    error ReceiptAnchorWrongNodeKind(uint64 nodeId, ParticipantKind kind);
    /// @notice Participant `nodeId` is not recorded as running a platform node.
    error ReceiptAnchorNotPlatformNode(uint64 nodeId);
    /// @notice Participant `nodeId` is not Active (suspended for rectification, or exited).
    error ReceiptAnchorNodeNotActive(uint64 nodeId, ParticipantStatus status);
    /// @notice The batch number is not the node's next one (a gap, or a replay).
    error ReceiptAnchorUnexpectedSequence(uint64 nodeId, uint64 expected, uint64 given);
    /// @notice The Merkle root is zero.
    error ReceiptAnchorZeroRoot();
    /// @notice The metadata hash is zero.
    error ReceiptAnchorZeroMetadataHash();
    /// @notice A batch holds no receipt.
    error ReceiptAnchorZeroCount();
    /// @notice The time range is inconsistent (first after last, or one receipt spanning two times).
    error ReceiptAnchorInvalidTimeRange(uint64 firstAt, uint64 lastAt, uint32 receiptCount);
    /// @notice The latest receipt is dated after the block time.
    error ReceiptAnchorFutureTimestamp(uint64 lastAt, uint64 nowTs);
    /// @notice The node's first batch starts before the node's participant was registered.
    error ReceiptAnchorBeforeRegistration(uint64 firstAt, uint64 registeredAt);
    /// @notice A batch starts before the start of the node's previous batch.
    error ReceiptAnchorBeforePreviousBatch(uint64 firstAt, uint64 previousFirstAt);
    /// @notice More usage words than MAX_USAGE_ENTRIES.
    error ReceiptAnchorTooManyUsageEntries(uint256 length, uint256 max);
    /// @notice Usage word `index` does not sort strictly after the previous one by (kind, id).
    error ReceiptAnchorUsageNotAscending(uint256 index, bytes32 word);
    /// @notice Usage word `index` has a kind other than 1 (Product), 2 (Scenario) or 3 (Resource).
    error ReceiptAnchorUsageInvalidKind(uint256 index, bytes32 word);
    /// @notice Usage word `index` names id 0.
    error ReceiptAnchorUsageZeroId(uint256 index, bytes32 word);
    /// @notice Usage word `index` counts no receipt.
    error ReceiptAnchorUsageZeroCount(uint256 index, bytes32 word);
    /// @notice Usage word `index` has a reserved bit set.
    error ReceiptAnchorUsageReservedBits(uint256 index, bytes32 word);
    /// @notice Usage word `index` is a Resource entry with a fee (fees are counted per scenario).
    error ReceiptAnchorUsageResourceFee(uint256 index, bytes32 word);
    /// @notice Resource entry `index` counts more receipts than name no product (`limit`).
    error ReceiptAnchorUsageResourceCountExceeds(uint256 index, bytes32 word, uint256 limit);
    /// @notice The Scenario counts sum to `sum`, not to the receipt count.
    error ReceiptAnchorUsageScenarioCountMismatch(uint256 sum, uint32 receiptCount);
    /// @notice The Product counts sum to `sum`, more than the receipt count.
    error ReceiptAnchorUsageProductCountExceeds(uint256 sum, uint32 receiptCount);
    /// @notice The Product fees sum to more than the Scenario fees (all of the batch's fees).
    error ReceiptAnchorUsageProductFeesExceed(uint256 productFees, uint256 scenarioFees);

    // ===== FUNCTIONS =====

    /**
     * @notice Commits a batch of usage receipts of node `req.nodeId`. The caller is a key the hub
     * binds to that node (`IProvenantHub.nodeOf`); `req.sequence` is the node's next batch
     * number; the time range and the usage counts hold as the notice says.
     * @dev 000 第十九条: every activity on the platform leaves a trace (留痕); 004 第十八条: the
     * anchored roots make tampering with a receipt detectable (C31); 002 第二十五条: each receipt
     * records the product user's verified identity as a pseudonymous digest (C20);
     * 001 第二十四条, 004 第十六条: the usage counts publish the fees charged per product and
     * scenario (C33).
     */
    function anchorBatch(BatchRequest calldata req) external;

    /**
     * @notice The hub reports that `key` is no longer bound to node `nodeId`
     * (IProvenantHub.setNodeKey): the node's `lastKey` is cleared if it is `key`. The hub only.
     * @dev WARNING: only the ReceiptAnchor recorded in the hub's address book hears of unbound
     * keys; an anchor replaced in the book, or never recorded, may still accept its `lastKey`.
     * Readers and verifiers follow the recorded anchor (pin it with the deployment file).
     */
    function forgetNodeKey(uint64 nodeId, address key) external;

    /// @notice The last batch number node `nodeId` committed (0: none yet).
    function lastSequence(uint64 nodeId) external view returns (uint64);

    /// @notice The root of batch `sequence` of node `nodeId` (0 if there is none).
    function rootOf(uint64 nodeId, uint64 sequence) external view returns (bytes32);

    /// @notice What the anchor keeps of node `nodeId` (all zero before its first batch).
    function nodeState(uint64 nodeId) external view returns (NodeState memory);

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

    /**
     * @notice The EIP-712 digest a node key signs to acknowledge one intake request:
     * `ReceiptAcknowledgement(uint64 nodeId,bytes32 root,uint32 count,uint64 acknowledgedAt)` in
     * this contract's domain, `root` the sorted-pair Merkle root of the acknowledged receipts'
     * leaves. A consumer holding its receipt, its path to `root` and the signature can show the
     * node acknowledged the use, and, past the node's batch window with no anchored batch proving
     * it, that the node left it out.
     * @dev 000 第十九条 (留痕) and 004 第十八条 (C31): an omitted receipt is as detectable as a
     * tampered one.
     */
    function acknowledgementDigest(
        uint64 nodeId,
        bytes32 root,
        uint32 count,
        uint64 acknowledgedAt
    ) external view returns (bytes32);
}
