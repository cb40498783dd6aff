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
 *
 * Governance delay. Whoever holds the default admin could otherwise repoint a registry address
 * (e.g. an AgreementRegistry that accepts everything, which would skip C05) or hand a governance
 * role to a key of its choosing in one transaction. So, once the admin has sealed the initial
 * setup (`sealSetup`), both wait `governanceDelay()` seconds in the open:
 *  - an address change is scheduled (`scheduleContract` -> ContractChangeScheduled with its
 *    ready time), and recorded by `executeContract` only once the ready time has come;
 *  - a grant of a governance role is scheduled (`scheduleRoleGrant` -> RoleGrantScheduled) and
 *    granted by `executeRoleGrant` only once the ready time has come;
 *  - the admin may cancel either while it is pending (ContractChangeCancelled, RoleGrantCancelled);
 *  - revocations stay immediate (`revokeRole`): taking a power away is never the attack.
 * Before the seal, `setContract` and `grantRole` act at once, so a deployment can wire itself and
 * grant its first roles; `setContract` and governance `grantRole` are refused after it.
 * A governance role is any role the default admin administers (role admin DEFAULT_ADMIN_ROLE):
 * DATA_AUTHORITY, IMPLEMENTING_AGENCY, REGULATOR, EXPERT and PARTICIPANT_REGISTRAR (the registrar
 * could grant every mirrored role and bind node keys). SOURCE_DEPT, OPERATOR, DEVELOPER and
 * PLATFORM_NODE are not: their admin is PARTICIPANT_REGISTRAR, the default admin cannot grant them,
 * and the ParticipantRegistry keeps granting them at once as it mirrors participants' keys; they
 * are governed through the registry, whose address and registrar role are themselves delayed.
 * The default admin itself changes hands through AccessControlDefaultAdminRules' own delay.
 * The delay is fixed at construction; 0 is meant for development chains only (the deploy script
 * refuses it elsewhere unless told otherwise).
 * @dev 000 第十条; 001 第十三条 (C05): no activation without a filed agreement, which a swapped
 * registry could skip. 000 第十九条, 第二十条 (C22): every change leaves a trace before it acts.
 */
interface IProvenantHub is IAccessControl {
    /// @notice A registry address was recorded under `name` (e.g. keccak256("ResourceCatalog")).
    event ContractRecorded(bytes32 indexed name, address indexed addr, address previous);
    /// @notice `key` is now a key of platform node `nodeId` (0: of none), and was one of `previous`.
    event NodeKeySet(address indexed key, uint64 indexed nodeId, uint64 previous);
    /// @notice The initial setup is over: address changes and governance grants now wait `governanceDelay`.
    event SetupSealed(address indexed by, uint48 governanceDelay);
    /// @notice `addr` will replace `current` (zero: none) under `name` once `readyAt` has come.
    event ContractChangeScheduled(bytes32 indexed name, address indexed addr, address current, uint48 readyAt);
    /// @notice The pending change of `name` to `addr` was cancelled.
    event ContractChangeCancelled(bytes32 indexed name, address indexed addr);
    /// @notice `account` will be granted governance role `role` once `readyAt` has come.
    event RoleGrantScheduled(bytes32 indexed role, address indexed account, address indexed by, uint48 readyAt);
    /// @notice The pending grant of `role` to `account` was cancelled.
    event RoleGrantCancelled(bytes32 indexed role, address indexed account, address indexed by);

    /// @notice `name` has no address in the book yet.
    error ProvenantHubUnknownContract(bytes32 name);
    /// @notice The zero address cannot be recorded.
    error ProvenantHubZeroAddress(bytes32 name);
    /// @notice The zero address cannot be a node key.
    error ProvenantHubZeroNodeKey();
    /// @notice The zero address cannot be granted `role`.
    /// @dev 000 第十九条 (C22): a grant names who receives it.
    error ProvenantHubZeroAccount(bytes32 role);
    /// @notice The setup is sealed already.
    error ProvenantHubSetupSealed();
    /// @notice After the seal, changing `name` to `addr` must be scheduled (scheduleContract).
    /// @dev 000 第十条; 001 第十三条 (C05): a registry cannot be swapped at once.
    error ProvenantHubContractChangeNeedsDelay(bytes32 name, address addr);
    /// @notice After the seal, granting governance role `role` to `account` must be scheduled.
    /// @dev 000 第十九条, 第二十条 (C22): a governance grant is visible before it acts.
    error ProvenantHubRoleGrantNeedsDelay(bytes32 role, address account);
    /// @notice `role` is not a governance role (its admin is not the default admin), or is the default admin.
    error ProvenantHubNotGovernanceRole(bytes32 role);
    /// @notice A change of `name` (to `addr`, ready at `readyAt`) is pending already; cancel it first.
    error ProvenantHubContractChangePending(bytes32 name, address addr, uint48 readyAt);
    /// @notice No change of `name` is pending.
    error ProvenantHubNoContractChange(bytes32 name);
    /// @notice The change of `name` is ready at `readyAt`, not yet at `nowTime`.
    /// @dev 000 第十条; 001 第十三条 (C05): the delay cannot be skipped.
    error ProvenantHubContractChangeNotReady(bytes32 name, uint48 readyAt, uint48 nowTime);
    /// @notice A grant of `role` to `account` (ready at `readyAt`) is pending already.
    error ProvenantHubRoleGrantPending(bytes32 role, address account, uint48 readyAt);
    /// @notice `account` holds `role` already.
    error ProvenantHubRoleHeld(bytes32 role, address account);
    /// @notice No grant of `role` to `account` is pending.
    error ProvenantHubNoRoleGrant(bytes32 role, address account);
    /// @notice The grant of `role` to `account` is ready at `readyAt`, not yet at `nowTime`.
    /// @dev 000 第十九条, 第二十条 (C22): the delay cannot be skipped.
    error ProvenantHubRoleGrantNotReady(bytes32 role, address account, uint48 readyAt, uint48 nowTime);

    /// @notice Records `addr` under `name` at once. Admin only, only before `sealSetup`, and not
    /// while a change of `name` is scheduled (execute or cancel it). Likewise `grantRole` of a
    /// governance role: only before the seal, and not while the same grant is scheduled.
    function setContract(bytes32 name, address addr) external;

    /**
     * @notice Ends the initial setup: from now on address changes and governance-role grants wait
     * `governanceDelay()` (scheduleContract, scheduleRoleGrant). Admin only; one way.
     * @dev 000 第十条; 001 第十三条 (C05).
     */
    function sealSetup() external;

    /// @notice Schedules recording `addr` under `name` at `now + governanceDelay()`. Admin only.
    /// @dev 000 第十条; 001 第十三条 (C05): a swapped registry is visible a delay before it acts.
    function scheduleContract(bytes32 name, address addr) external returns (uint48 readyAt);

    /// @notice Records the pending address of `name`, once its ready time has come. Admin only.
    function executeContract(bytes32 name) external;

    /// @notice Drops the pending address change of `name`. Admin only.
    function cancelContract(bytes32 name) external;

    /// @notice Schedules granting governance role `role` to `account` at `now + governanceDelay()`. Admin only.
    /// @dev 000 第十九条, 第二十条 (C22): the grant is recorded before it acts.
    function scheduleRoleGrant(bytes32 role, address account) external returns (uint48 readyAt);

    /// @notice Grants the pending `role` to `account`, once its ready time has come. Admin only.
    function executeRoleGrant(bytes32 role, address account) external;

    /// @notice Drops the pending grant of `role` to `account`. Admin only.
    function cancelRoleGrant(bytes32 role, address account) external;

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

    /// @notice The pending address change of `name` (zero address and 0: none).
    function pendingContract(bytes32 name) external view returns (address addr, uint48 readyAt);

    /// @notice When the pending grant of `role` to `account` becomes executable (0: none pending).
    function pendingRoleGrant(bytes32 role, address account) external view returns (uint48 readyAt);

    /// @notice Seconds an address change or a governance grant waits once the setup is sealed.
    function governanceDelay() external view returns (uint48);

    /// @notice True once `sealSetup` was called.
    function setupSealed() external view returns (bool);

    /// @notice True when `role` is a governance role (administered by the default admin, not it).
    function isGovernanceRole(bytes32 role) external view returns (bool);

    /// @notice The platform node `key` signs for (0: none). See the invariant above.
    function nodeOf(address key) external view returns (uint64 nodeId);

    /// @notice True when `account` holds `role`; false for the zero address.
    function hasRole(bytes32 role, address account) external view returns (bool);
}
