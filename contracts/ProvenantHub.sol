// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {AccessControlDefaultAdminRules} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {IProvenantHub} from "./interfaces/IProvenantHub.sol";
import {SOURCE_DEPT, OPERATOR, DEVELOPER, PARTICIPANT_REGISTRAR} from "./common/Types.sol";

/**
 * @title ProvenantHub
 * @notice Role hub and address book. The default admin (the authority's governance key) grants
 * the governance roles; the ParticipantRegistry alone grants SOURCE_DEPT, OPERATOR and DEVELOPER
 * so that those roles always mirror the signer keys of active participants.
 * @dev Handing over the default admin is time-locked (AccessControlDefaultAdminRules).
 * An AccessControl hub is used instead of an AccessManager because several rules accept one of
 * two roles (e.g. 001 第十九条: "数据主管部门或实施机构"), which AccessManager's one-role-per-
 * selector model cannot express.
 */
contract ProvenantHub is AccessControlDefaultAdminRules, IProvenantHub {
    mapping(bytes32 name => address) private _contracts;

    /// @param adminDelay seconds an admin hand-over must wait (0 on a dev chain).
    /// @param admin the first default admin.
    constructor(uint48 adminDelay, address admin) AccessControlDefaultAdminRules(adminDelay, admin) {
        _setRoleAdmin(SOURCE_DEPT, PARTICIPANT_REGISTRAR);
        _setRoleAdmin(OPERATOR, PARTICIPANT_REGISTRAR);
        _setRoleAdmin(DEVELOPER, PARTICIPANT_REGISTRAR);
    }

    /// @inheritdoc IProvenantHub
    function setContract(bytes32 name, address addr) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (addr == address(0)) revert ProvenantHubZeroAddress(name);
        address previous = _contracts[name];
        _contracts[name] = addr;
        emit ContractRecorded(name, addr, previous);
    }

    /// @inheritdoc IProvenantHub
    function contractOf(bytes32 name) external view returns (address addr) {
        addr = _contracts[name];
        if (addr == address(0)) revert ProvenantHubUnknownContract(name);
    }

    /// @inheritdoc IProvenantHub
    function hasRole(
        bytes32 role,
        address account
    ) public view override(AccessControl, IAccessControl, IProvenantHub) returns (bool) {
        return account != address(0) && super.hasRole(role, account);
    }
}
