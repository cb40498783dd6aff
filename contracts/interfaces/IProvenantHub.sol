// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

/**
 * @title IProvenantHub
 * @notice The one role hub every registry consults, and the address book that lets registries
 * find each other. Roles are the DESIGN section 4 roles (see common/Types.sol).
 *
 * Platform node keys. The hub also binds each key of a platform node (授权运营平台) to the
 * participant id of the organization running the node, so that a ReceiptAnchor batch is checked
 * against one storage read. The ParticipantRegistry alone writes the binding, together with the
 * PLATFORM_NODE role (whose admin is PARTICIPANT_REGISTRAR). Invariant: `nodeOf(key) == id != 0`
 * if and only if `key` holds PLATFORM_NODE by that mirror and is an active signer key of the
 * Active participant `id`, of kind Operator or ImplementingAgency, that the data authority
 * recorded as running a platform node (IParticipantRegistry.setPlatformNode).
 */
interface IProvenantHub is IAccessControl {
    /// @notice A registry address was recorded under `name` (e.g. keccak256("ResourceCatalog")).
    event ContractRecorded(bytes32 indexed name, address indexed addr, address previous);
    /// @notice `key` is now a key of platform node `nodeId` (0: of none), and was one of `previous`.
    event NodeKeySet(address indexed key, uint64 indexed nodeId, uint64 previous);

    /// @notice `name` has no address in the book yet.
    error ProvenantHubUnknownContract(bytes32 name);
    /// @notice The zero address cannot be recorded.
    error ProvenantHubZeroAddress(bytes32 name);
    /// @notice The zero address cannot be a node key.
    error ProvenantHubZeroNodeKey();

    /// @notice Records `addr` under `name`. Admin only.
    function setContract(bytes32 name, address addr) external;

    /**
     * @notice Binds `key` to platform node `nodeId` and grants it PLATFORM_NODE; `nodeId` 0
     * unbinds it and revokes the role. PARTICIPANT_REGISTRAR (the ParticipantRegistry) only.
     * When `key` leaves a node, the ReceiptAnchor in the address book is told
     * (IReceiptAnchor.forgetNodeKey), so the key it remembers for that node is always bound.
     * @dev 000 第十九条: the node key that anchors usage receipts is the node's, by the registry.
     */
    function setNodeKey(address key, uint64 nodeId) external;

    /// @notice The address recorded under `name`; reverts if there is none.
    function contractOf(bytes32 name) external view returns (address);

    /// @notice The platform node `key` signs for (0: none). See the invariant above.
    function nodeOf(address key) external view returns (uint64 nodeId);

    /// @notice True when `account` holds `role`; false for the zero address.
    function hasRole(bytes32 role, address account) external view returns (bool);
}
