// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {IProvenantHub} from "./interfaces/IProvenantHub.sol";
import {IReceiptAnchor} from "./interfaces/IReceiptAnchor.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {HubConsumer} from "./common/HubConsumer.sol";
import {PARTICIPANT_REGISTRY, ParticipantKind, ParticipantStatus} from "./common/Types.sol";

/**
 * @title ReceiptAnchor
 * @notice 使用回执: platform nodes commit batches of usage receipts as Merkle roots with their
 * usage counts, numbered without gaps per node; anyone verifies a receipt against an anchored root.
 * @dev C20 (002 第二十五条), C22 (000 第十九条), C31 (004 第十八条), C33 (001 第二十四条,
 * 004 第十六条); C34 (no receipt, and so no user digest, ever reaches the chain: only roots and
 * counts).
 *
 * Two paths check a batch against the same rules. `_isCachedValid` is the steady state, written
 * for its budget (60,000 gas a batch, bench/gas-receipts.ts): the node's last key sends it, so no
 * hub call, and every rule is evaluated in one pass over calldata into a single flag. When that
 * flag is false (a new key, a node's first batch, or a broken rule), `_checkBatch` checks the
 * rules one by one, in readable Solidity, and reverts with the error of the first broken one;
 * if none is broken (only the cache missed) the batch is committed all the same. The tests run
 * every refusal through both paths.
 */
contract ReceiptAnchor is HubConsumer, EIP712, IReceiptAnchor {
    /// @notice Upper bound on the usage words of one batch (bounds the event and the checks).
    uint256 public constant MAX_USAGE_ENTRIES = 512;

    /// @dev The EIP-712 struct a node key signs for one receipt (scripts/lib/receipts.ts).
    bytes32 private constant _RECEIPT_TYPEHASH = keccak256("UsageReceipt(bytes32 leaf)");
    /// @dev The EIP-712 struct a node key signs for one intake request (scripts/lib/receipts.ts).
    bytes32 private constant _ACK_TYPEHASH =
        keccak256("ReceiptAcknowledgement(uint64 nodeId,bytes32 root,uint32 count,uint64 acknowledgedAt)");

    /// @dev Usage word kinds (the top 8 bits).
    uint256 private constant _KIND_PRODUCT = 1;
    uint256 private constant _KIND_SCENARIO = 2;
    uint256 private constant _KIND_RESOURCE = 3;

    mapping(uint64 nodeId => NodeState) private _nodes;
    mapping(uint64 nodeId => mapping(uint64 sequence => bytes32 root)) private _roots;

    constructor(IProvenantHub hub_) HubConsumer(hub_) EIP712("Provenant ReceiptAnchor", "1") {}

    // ===== ANCHORING (C31) =====

    /// @inheritdoc IReceiptAnchor
    function anchorBatch(BatchRequest calldata req) external {
        bytes32[] calldata usage = req.usage;
        uint256 nowTs = _now();
        (bool valid, uint256 stateSlot, uint256 state) = _isCachedValid(req, usage, nowTs);
        if (!valid) _checkBatch(req, nowTs);
        _record(req, usage, stateSlot, state);
    }

    /// @inheritdoc IReceiptAnchor
    function forgetNodeKey(uint64 nodeId, address key) external {
        if (msg.sender != address(hub())) revert ReceiptAnchorNotHub(msg.sender);
        NodeState storage node = _nodes[nodeId];
        if (node.lastKey == key) {
            node.lastKey = address(0);
            emit NodeKeyForgotten(nodeId, key);
        }
    }

    // ===== GETTERS =====

    /// @inheritdoc IReceiptAnchor
    function lastSequence(uint64 nodeId) external view returns (uint64) {
        return _nodes[nodeId].lastSequence;
    }

    /// @inheritdoc IReceiptAnchor
    function rootOf(uint64 nodeId, uint64 sequence) external view returns (bytes32) {
        return _roots[nodeId][sequence];
    }

    /// @inheritdoc IReceiptAnchor
    function nodeState(uint64 nodeId) external view returns (NodeState memory) {
        return _nodes[nodeId];
    }

    /// @inheritdoc IReceiptAnchor
    function verifyReceipt(
        bytes32 leaf,
        bytes32[] calldata proof,
        uint64 nodeId,
        uint64 sequence
    ) external view returns (bool) {
        bytes32 root = _roots[nodeId][sequence];
        if (root == bytes32(0)) return false;
        return MerkleProof.verifyCalldata(proof, root, leaf);
    }

    /// @inheritdoc IReceiptAnchor
    function receiptSignatureDigest(bytes32 leaf) external view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(_RECEIPT_TYPEHASH, leaf)));
    }

    /// @inheritdoc IReceiptAnchor
    function acknowledgementDigest(
        uint64 nodeId,
        bytes32 root,
        uint32 count,
        uint64 acknowledgedAt
    ) external view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(_ACK_TYPEHASH, nodeId, root, count, acknowledgedAt)));
    }

    // ===== CHECKS =====

    /**
     * @dev Every rule of `_checkBatch`, for a batch sent by the node's `lastKey`, evaluated without
     * a branch per rule; returns whether all hold and the node's packed state. False says only
     * "ask `_checkBatch`". Dirty calldata (a value wider than its type) fails a comparison below:
     * `nodeId` selects an empty slot, `sequence` and the times compare with clean values, and the
     * count is range-checked.
     */
    function _isCachedValid(
        BatchRequest calldata req,
        bytes32[] calldata usage,
        uint256 nowTs
    ) private view returns (bool valid, uint256 stateSlot, uint256 state) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(0x00, calldataload(req))
            mstore(0x20, _nodes.slot)
            stateSlot := keccak256(0x00, 0x40)
            state := sload(stateSlot)
            let count := calldataload(add(req, 0x60))
            let firstAt := calldataload(add(req, 0x80))
            let lastAt := calldataload(add(req, 0xa0))
            let next := add(and(state, 0xffffffffffff), 1)
            // The key, the sequence, non-zero root, metadata and count, and the time range.
            let ok := and(eq(shr(96, state), caller()), eq(calldataload(add(req, 0x20)), next))
            ok := and(ok, lt(next, 0x1000000000000))
            ok := and(ok, iszero(or(iszero(calldataload(add(req, 0x40))), iszero(calldataload(add(req, 0xc0))))))
            ok := and(ok, iszero(or(iszero(count), shr(32, count))))
            ok := and(ok, iszero(or(gt(firstAt, lastAt), gt(lastAt, nowTs))))
            ok := and(ok, iszero(lt(firstAt, and(shr(48, state), 0xffffffffffff))))
            valid := and(ok, or(gt(count, 1), eq(firstAt, lastAt)))
        }
        valid = valid && _isUsageValid(usage, req.receiptCount);
    }

    /// @dev The usage rules of `_checkUsage` in one pass over calldata, into one flag.
    function _isUsageValid(bytes32[] calldata usage, uint256 count) private pure returns (bool valid) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let n := usage.length
            let bad := gt(n, MAX_USAGE_ENTRIES)
            let products := 0
            let productFees := 0
            let scenarios := 0
            let scenarioFees := 0
            // Keys (kind, id) strictly ascend from above kind 0, so kinds never fall: every kind
            // is 1 to 3 when the first is at least 1 and the last at most 3.
            let previousKey := 0xffffffffffffffff
            for {
                let p := usage.offset
                let end := add(p, shl(5, n))
            } lt(p, end) {
                p := add(p, 0x20)
            } {
                let word := calldataload(p)
                let key := shr(184, word)
                let entryCount := and(shr(152, word), 0xffffffff)
                // Ascending, a non-zero id and count (their product is below 2^96), zero reserved bits.
                bad := or(bad, or(iszero(lt(previousKey, key)), iszero(mul(and(key, 0xffffffffffffffff), entryCount))))
                bad := or(bad, and(shr(128, word), 0xffffff))
                previousKey := key
                let fee := and(word, 0xffffffffffffffffffffffffffffffff)
                switch shr(64, key)
                case 1 {
                    products := add(products, entryCount)
                    productFees := add(productFees, fee)
                }
                case 2 {
                    scenarios := add(scenarios, entryCount)
                    scenarioFees := add(scenarioFees, fee)
                }
                default {
                    // A Resource (or an invalid kind, refused below): no fee, and used directly
                    // by at most the receipts that name no product (products sort first).
                    bad := or(bad, or(fee, gt(add(entryCount, products), count)))
                }
            }
            bad := or(bad, iszero(lt(previousKey, shl(64, 4))))
            // Scenario counts sum to the count, Product counts to at most it; Product fees to at
            // most the Scenario fees.
            bad := or(bad, or(iszero(eq(scenarios, count)), gt(products, count)))
            valid := iszero(or(bad, gt(productFees, scenarioFees)))
        }
    }

    /**
     * @dev Reverts with the error of the first rule `req` breaks; returns if it breaks none.
     * The rules, in order, are the ones IReceiptAnchor states.
     */
    function _checkBatch(BatchRequest calldata req, uint256 nowTs) private view {
        uint64 nodeId = req.nodeId;
        // Ensure that the caller is a key the hub binds to the node (the registry's mirror).
        uint64 bound = hub().nodeOf(msg.sender);
        if (bound == 0 || bound != nodeId) _revertNotNodeKey(nodeId);
        // Ensure that batches are numbered without gaps, so a withheld batch shows (000 第十九条).
        NodeState memory node = _nodes[nodeId];
        uint48 expected = node.lastSequence + 1;
        if (req.sequence != expected) revert ReceiptAnchorUnexpectedSequence(nodeId, expected, req.sequence);
        // Ensure that the commitment holds something.
        if (req.root == bytes32(0)) revert ReceiptAnchorZeroRoot();
        if (req.metadataHash == bytes32(0)) revert ReceiptAnchorZeroMetadataHash();
        uint32 count = req.receiptCount;
        if (count == 0) revert ReceiptAnchorZeroCount();
        // Ensure that the time range is one the receipts can span: ordered, a single receipt has a
        // single time, no receipt claims a time the chain has not reached, and none predates the
        // node (its registration, then the start of its previous batch).
        uint64 firstAt = req.firstAt;
        uint64 lastAt = req.lastAt;
        if (firstAt > lastAt || (count == 1 && firstAt != lastAt)) {
            revert ReceiptAnchorInvalidTimeRange(firstAt, lastAt, count);
        }
        if (lastAt > nowTs) revert ReceiptAnchorFutureTimestamp(lastAt, uint64(nowTs));
        if (expected == 1) {
            uint64 registeredAt = IParticipantRegistry(_contract(PARTICIPANT_REGISTRY)).registeredAt(nodeId);
            if (firstAt < registeredAt) revert ReceiptAnchorBeforeRegistration(firstAt, registeredAt);
        } else if (firstAt < node.lastFirstAt) {
            revert ReceiptAnchorBeforePreviousBatch(firstAt, node.lastFirstAt);
        }
        _checkUsage(req.usage, count);
    }

    /**
     * @dev Reverts unless `usage` is a well-formed set of usage counts of `count` receipts (the
     * rules in the IReceiptAnchor notice). 001 第二十四条, 004 第十六条: the fees a reader sums
     * per product and scenario are the ones the receipts carry.
     */
    function _checkUsage(bytes32[] calldata usage, uint32 count) private pure {
        uint256 n = usage.length;
        if (n > MAX_USAGE_ENTRIES) revert ReceiptAnchorTooManyUsageEntries(n, MAX_USAGE_ENTRIES);
        uint256 previousKey = 0; // (kind, id) of the previous word; every valid key is above 0
        uint256 products = 0;
        uint256 scenarios = 0;
        uint256 productFees = 0;
        uint256 scenarioFees = 0;
        for (uint256 i = 0; i < n; ++i) {
            bytes32 word = usage[i];
            uint256 w = uint256(word);
            uint256 kind = w >> 248;
            if (kind == 0 || kind > _KIND_RESOURCE) revert ReceiptAnchorUsageInvalidKind(i, word);
            uint256 key = w >> 184;
            if (key <= previousKey) revert ReceiptAnchorUsageNotAscending(i, word);
            previousKey = key;
            if (uint64(key) == 0) revert ReceiptAnchorUsageZeroId(i, word);
            uint256 entryCount = uint32(w >> 152);
            if (entryCount == 0) revert ReceiptAnchorUsageZeroCount(i, word);
            if (uint24(w >> 128) != 0) revert ReceiptAnchorUsageReservedBits(i, word);
            uint256 fee = uint128(w);
            if (kind == _KIND_PRODUCT) {
                products += entryCount;
                productFees += fee;
                if (products > count) revert ReceiptAnchorUsageProductCountExceeds(products, count);
            } else if (kind == _KIND_SCENARIO) {
                scenarios += entryCount;
                scenarioFees += fee;
            } else {
                if (fee != 0) revert ReceiptAnchorUsageResourceFee(i, word);
                // Products sort first: their count is complete, and a product use names no resource.
                if (entryCount > count - products) {
                    revert ReceiptAnchorUsageResourceCountExceeds(i, word, count - products);
                }
            }
        }
        if (scenarios != count) revert ReceiptAnchorUsageScenarioCountMismatch(scenarios, count);
        if (productFees > scenarioFees) revert ReceiptAnchorUsageProductFeesExceed(productFees, scenarioFees);
    }

    /// @dev Says why the caller is no key of `nodeId`, from the registry (refusals only).
    function _revertNotNodeKey(uint64 nodeId) private view {
        IParticipantRegistry participants = IParticipantRegistry(_contract(PARTICIPANT_REGISTRY));
        ParticipantKind kind = participants.kindOf(nodeId);
        if (kind == ParticipantKind.None) revert ReceiptAnchorUnknownNode(nodeId);
        if (kind != ParticipantKind.Operator && kind != ParticipantKind.ImplementingAgency) {
            revert ReceiptAnchorWrongNodeKind(nodeId, kind);
        }
        if (!participants.isPlatformNode(nodeId)) revert ReceiptAnchorNotPlatformNode(nodeId);
        ParticipantStatus status = participants.statusOf(nodeId);
        if (status != ParticipantStatus.Active) revert ReceiptAnchorNodeNotActive(nodeId, status);
        revert ReceiptAnchorNotNodeKey(nodeId, msg.sender);
    }

    // ===== WRITES =====

    /**
     * @dev Writes the node's state (the caller becomes its `lastKey`) and the batch's root, and
     * emits BatchAnchored, its data ABI-encoded straight from calldata. `req` is valid and
     * `state` is the node's packed state before it (NodeState: lastSequence in the low 48 bits,
     * lastFirstAt in the next 48, lastKey in the top 160).
     */
    function _record(BatchRequest calldata req, bytes32[] calldata usage, uint256 stateSlot, uint256 state) private {
        bytes32 topic0 = BatchAnchored.selector;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let nodeId := calldataload(req)
            let sequence := add(and(state, 0xffffffffffff), 1)
            sstore(stateSlot, or(or(sequence, shl(48, calldataload(add(req, 0x80)))), shl(96, caller())))
            mstore(0x00, nodeId)
            mstore(0x20, _roots.slot)
            mstore(0x20, keccak256(0x00, 0x40))
            mstore(0x00, sequence)
            sstore(keccak256(0x00, 0x40), calldataload(add(req, 0x40)))

            let n := usage.length
            let data := mload(0x40)
            calldatacopy(data, add(req, 0x40), 0x20) // root
            calldatacopy(add(data, 0x20), add(req, 0x60), 0x60) // receiptCount, firstAt, lastAt
            calldatacopy(add(data, 0x80), add(req, 0xc0), 0x20) // metadataHash
            mstore(add(data, 0xa0), caller()) // anchoredBy
            mstore(add(data, 0xc0), 0xe0) // where usage starts
            mstore(add(data, 0xe0), n)
            calldatacopy(add(data, 0x100), usage.offset, shl(5, n))
            log3(data, add(0x100, shl(5, n)), topic0, nodeId, sequence)
        }
    }
}
