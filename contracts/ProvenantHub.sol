// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {IProvenantHub} from "./interfaces/IProvenantHub.sol";
import {IReceiptAnchor} from "./interfaces/IReceiptAnchor.sol";
import {
    SOURCE_DEPT,
    OPERATOR,
    DEVELOPER,
    PLATFORM_NODE,
    PARTICIPANT_REGISTRAR,
    RECEIPT_ANCHOR
} from "./common/Types.sol";

/**
 * @title ProvenantHub
 * @notice Role hub and address book. The default admin (the authority's governance key) grants
 * the governance roles; the ParticipantRegistry alone grants SOURCE_DEPT, OPERATOR, DEVELOPER and
 * PLATFORM_NODE so that those roles always mirror the signer keys of active participants, and
 * alone binds platform node keys to their node (`nodeOf`).
 * @dev Handing over the default admin is time-locked (AccessControlDefaultAdminRules); once the
 * setup is sealed, address changes and governance-role grants are time-locked too (see the
 * interface: schedule, wait `governanceDelay`, execute; revocations stay immediate).
 * An AccessControl hub is used instead of an AccessManager because several rules accept one of
 * two roles (e.g. 001 第十九条: "数据主管部门或实施机构"), which AccessManager's one-role-per-
 * selector model cannot express.
 */
contract ProvenantHub is AccessControlDefaultAdminRules, IProvenantHub {
    struct PendingContract {
        address addr;
        uint48 readyAt;
    }

    uint48 private immutable _governanceDelay;
    bool private _sealed;
    mapping(bytes32 name => address) private _contracts;
    mapping(address key => uint64 nodeId) private _nodeOf;
    mapping(bytes32 name => PendingContract) private _pendingContracts;
    mapping(bytes32 role => mapping(address account => uint48 readyAt)) private _pendingGrants;

    /// @param adminDelay seconds an admin hand-over must wait (0 on a dev chain).
    /// @param governanceDelay_ seconds an address change or governance grant waits after the seal
    /// (0 on a dev chain only; the deploy script decides).
    /// @param admin the first default admin.
    constructor(
        uint48 adminDelay,
        uint48 governanceDelay_,
        address admin
    ) AccessControlDefaultAdminRules(adminDelay, admin) {
        _governanceDelay = governanceDelay_;
        _setRoleAdmin(SOURCE_DEPT, PARTICIPANT_REGISTRAR);
        _setRoleAdmin(OPERATOR, PARTICIPANT_REGISTRAR);
        _setRoleAdmin(DEVELOPER, PARTICIPANT_REGISTRAR);
        _setRoleAdmin(PLATFORM_NODE, PARTICIPANT_REGISTRAR);
    }

    /// @inheritdoc IProvenantHub
    function setContract(bytes32 name, address addr) external onlyRole(DEFAULT_ADMIN_ROLE) {
        // Ensure that after the seal no registry is swapped without the delay (C05).
        if (_sealed) revert ProvenantHubContractChangeNeedsDelay(name, addr);
        PendingContract memory pending = _pendingContracts[name];
        // Ensure that a scheduled change is executed or cancelled, never overtaken (one record per change).
        if (pending.readyAt != 0) revert ProvenantHubContractChangePending(name, pending.addr, pending.readyAt);
        _recordContract(name, addr);
    }

    /// @inheritdoc IProvenantHub
    function sealSetup() external onlyRole(DEFAULT_ADMIN_ROLE) {
        // Ensure that the seal is set once.
        if (_sealed) revert ProvenantHubSetupSealed();
        _sealed = true;
        emit SetupSealed(_msgSender(), _governanceDelay);
    }

    /// @inheritdoc IProvenantHub
    function scheduleContract(bytes32 name, address addr) external onlyRole(DEFAULT_ADMIN_ROLE) returns (uint48 readyAt) {
        // Ensure that the book never points at the zero address.
        if (addr == address(0)) revert ProvenantHubZeroAddress(name);
        PendingContract memory pending = _pendingContracts[name];
        // Ensure that one change per name is pending at a time, so each is seen whole.
        if (pending.readyAt != 0) revert ProvenantHubContractChangePending(name, pending.addr, pending.readyAt);
        readyAt = _nowTime() + _governanceDelay;
        _pendingContracts[name] = PendingContract({addr: addr, readyAt: readyAt});
        emit ContractChangeScheduled(name, addr, _contracts[name], readyAt);
    }

    /// @inheritdoc IProvenantHub
    function executeContract(bytes32 name) external onlyRole(DEFAULT_ADMIN_ROLE) {
        PendingContract memory pending = _pendingContracts[name];
        // Ensure that a change is pending.
        if (pending.readyAt == 0) revert ProvenantHubNoContractChange(name);
        // Ensure that the delay has passed (C05 cannot be skipped by a swap at once).
        if (_nowTime() < pending.readyAt) revert ProvenantHubContractChangeNotReady(name, pending.readyAt, _nowTime());
        delete _pendingContracts[name];
        _recordContract(name, pending.addr);
    }

    /// @inheritdoc IProvenantHub
    function cancelContract(bytes32 name) external onlyRole(DEFAULT_ADMIN_ROLE) {
        PendingContract memory pending = _pendingContracts[name];
        // Ensure that a change is pending.
        if (pending.readyAt == 0) revert ProvenantHubNoContractChange(name);
        delete _pendingContracts[name];
        emit ContractChangeCancelled(name, pending.addr);
    }

    /// @inheritdoc IProvenantHub
    function scheduleRoleGrant(bytes32 role, address account) external onlyRole(DEFAULT_ADMIN_ROLE) returns (uint48 readyAt) {
        // Ensure that only roles the default admin administers go through this path.
        if (!isGovernanceRole(role)) revert ProvenantHubNotGovernanceRole(role);
        // Ensure that the grant names a holder.
        if (account == address(0)) revert ProvenantHubZeroAccount(role);
        // Ensure that a pending grant means a new holder.
        if (hasRole(role, account)) revert ProvenantHubRoleHeld(role, account);
        uint48 pending = _pendingGrants[role][account];
        // Ensure that one grant per role and account is pending at a time.
        if (pending != 0) revert ProvenantHubRoleGrantPending(role, account, pending);
        readyAt = _nowTime() + _governanceDelay;
        _pendingGrants[role][account] = readyAt;
        emit RoleGrantScheduled(role, account, _msgSender(), readyAt);
    }

    /// @inheritdoc IProvenantHub
    function executeRoleGrant(bytes32 role, address account) external onlyRole(DEFAULT_ADMIN_ROLE) {
        uint48 readyAt = _pendingGrants[role][account];
        // Ensure that the grant is pending.
        if (readyAt == 0) revert ProvenantHubNoRoleGrant(role, account);
        // Ensure that the delay has passed.
        if (_nowTime() < readyAt) revert ProvenantHubRoleGrantNotReady(role, account, readyAt, _nowTime());
        delete _pendingGrants[role][account];
        _grantRole(role, account);
    }

    /// @inheritdoc IProvenantHub
    function cancelRoleGrant(bytes32 role, address account) external onlyRole(DEFAULT_ADMIN_ROLE) {
        // Ensure that the grant is pending.
        if (_pendingGrants[role][account] == 0) revert ProvenantHubNoRoleGrant(role, account);
        delete _pendingGrants[role][account];
        emit RoleGrantCancelled(role, account, _msgSender());
    }

    /**
     * @notice Grants `role` to `account`. For a governance role, only before the seal (then
     * scheduleRoleGrant); the roles PARTICIPANT_REGISTRAR administers are granted at once.
     */
    function grantRole(
        bytes32 role,
        address account
    ) public override(AccessControlDefaultAdminRules, IAccessControl) {
        // Ensure that the caller administers `role` (checked again below; answered first).
        _checkRole(getRoleAdmin(role));
        // Ensure that after the seal a governance role is granted only through the delay (C22).
        if (_sealed && isGovernanceRole(role)) revert ProvenantHubRoleGrantNeedsDelay(role, account);
        uint48 pending = _pendingGrants[role][account];
        // Ensure that a scheduled grant is executed or cancelled, never overtaken.
        if (pending != 0) revert ProvenantHubRoleGrantPending(role, account, pending);
        super.grantRole(role, account);
    }

    /// @inheritdoc IProvenantHub
    function setNodeKey(address key, uint64 nodeId) external onlyRole(PARTICIPANT_REGISTRAR) {
        if (key == address(0)) revert ProvenantHubZeroNodeKey();
        uint64 previous = _nodeOf[key];
        _nodeOf[key] = nodeId;
        // The role and the binding change together, so they never disagree.
        if (nodeId != 0) _grantRole(PLATFORM_NODE, key);
        else _revokeRole(PLATFORM_NODE, key);
        emit NodeKeySet(key, nodeId, previous);
        // The anchor remembers the last key of each node; it must forget a key no longer bound.
        address anchor = _contracts[RECEIPT_ANCHOR];
        if (previous != 0 && previous != nodeId && anchor != address(0)) {
            IReceiptAnchor(anchor).forgetNodeKey(previous, key);
        }
    }

    /// @inheritdoc IProvenantHub
    function contractOf(bytes32 name) external view returns (address addr) {
        addr = _contracts[name];
        if (addr == address(0)) revert ProvenantHubUnknownContract(name);
    }

    /// @inheritdoc IProvenantHub
    function pendingContract(bytes32 name) external view returns (address addr, uint48 readyAt) {
        PendingContract memory pending = _pendingContracts[name];
        return (pending.addr, pending.readyAt);
    }

    /// @inheritdoc IProvenantHub
    function pendingRoleGrant(bytes32 role, address account) external view returns (uint48) {
        return _pendingGrants[role][account];
    }

    /// @inheritdoc IProvenantHub
    function governanceDelay() external view returns (uint48) {
        return _governanceDelay;
    }

    /// @inheritdoc IProvenantHub
    function setupSealed() external view returns (bool) {
        return _sealed;
    }

    /// @inheritdoc IProvenantHub
    function isGovernanceRole(bytes32 role) public view returns (bool) {
        return role != DEFAULT_ADMIN_ROLE && getRoleAdmin(role) == DEFAULT_ADMIN_ROLE;
    }

    /// @inheritdoc IProvenantHub
    function nodeOf(address key) external view returns (uint64) {
        return _nodeOf[key];
    }

    /// @inheritdoc IProvenantHub
    function hasRole(
        bytes32 role,
        address account
    ) public view override(AccessControl, IAccessControl, IProvenantHub) returns (bool) {
        return account != address(0) && super.hasRole(role, account);
    }

    function _recordContract(bytes32 name, address addr) private {
        // Ensure that the book never points at the zero address.
        if (addr == address(0)) revert ProvenantHubZeroAddress(name);
        address previous = _contracts[name];
        _contracts[name] = addr;
        emit ContractRecorded(name, addr, previous);
    }

    function _nowTime() private view returns (uint48) {
        return uint48(block.timestamp);
    }
}
