// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IProvenantHub} from "../interfaces/IProvenantHub.sol";

/**
 * @title HubConsumer
 * @notice Base of every registry: role checks against the hub, lookups of sibling registries,
 * and the clock (virtual so a test contract can move it).
 */
abstract contract HubConsumer {
    /// @notice The caller holds none of the roles the function accepts.
    error HubConsumerUnauthorized(address account, bytes32 role);
    /// @notice The hub address given at construction is zero.
    error HubConsumerZeroHub();

    IProvenantHub private immutable _hub;

    modifier onlyRole(bytes32 role) {
        _checkRole(role);
        _;
    }

    modifier onlyRoles(bytes32 role, bytes32 otherRole) {
        _checkEitherRole(role, otherRole);
        _;
    }

    constructor(IProvenantHub hub_) {
        if (address(hub_) == address(0)) revert HubConsumerZeroHub();
        _hub = hub_;
    }

    /// @notice The role hub this registry consults.
    function hub() public view returns (IProvenantHub) {
        return _hub;
    }

    function _checkRole(bytes32 role) internal view {
        if (!_hub.hasRole(role, msg.sender)) revert HubConsumerUnauthorized(msg.sender, role);
    }

    function _checkEitherRole(bytes32 role, bytes32 otherRole) internal view {
        if (!_hub.hasRole(role, msg.sender) && !_hub.hasRole(otherRole, msg.sender)) {
            revert HubConsumerUnauthorized(msg.sender, role);
        }
    }

    function _hasRole(bytes32 role, address account) internal view returns (bool) {
        return _hub.hasRole(role, account);
    }

    function _contract(bytes32 name) internal view returns (address) {
        return _hub.contractOf(name);
    }

    /// @dev The present moment, in seconds. Virtual so tests can move time.
    function _now() internal view virtual returns (uint64) {
        return uint64(block.timestamp);
    }
}
