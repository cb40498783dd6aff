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
 * @dev Handing over the default admin is time-locked (AccessControlDefaultAdminRules).
 * An AccessControl hub is used instead of an AccessManager because several rules accept one of
 * two roles (e.g. 001 第十九条: "数据主管部门或实施机构"), which AccessManager's one-role-per-
 * selector model cannot express.
 */
contract ProvenantHub is AccessControlDefaultAdminRules, IProvenantHub {
    mapping(bytes32 name => address) private _contracts;
    mapping(address key => uint64 nodeId) private _nodeOf;

    /// @param adminDelay seconds an admin hand-over must wait (0 on a dev chain).
    /// @param admin the first default admin.
    constructor(uint48 adminDelay, address admin) AccessControlDefaultAdminRules(adminDelay, admin) {
        _setRoleAdmin(SOURCE_DEPT, PARTICIPANT_REGISTRAR);
        _setRoleAdmin(OPERATOR, PARTICIPANT_REGISTRAR);
        _setRoleAdmin(DEVELOPER, PARTICIPANT_REGISTRAR);
        _setRoleAdmin(PLATFORM_NODE, PARTICIPANT_REGISTRAR);
    }

    /// @inheritdoc IProvenantHub
    function setContract(bytes32 name, address addr) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (addr == address(0)) revert ProvenantHubZeroAddress(name);
        address previous = _contracts[name];
        _contracts[name] = addr;
        emit ContractRecorded(name, addr, previous);
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
}
