// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

/**
 * @title IProvenantHub
 * @notice The one role hub every registry consults, and the address book that lets registries
 * find each other. Roles are the DESIGN section 4 roles (see common/Types.sol).
 */
interface IProvenantHub is IAccessControl {
    /// @notice A registry address was recorded under `name` (e.g. keccak256("ResourceCatalog")).
    event ContractRecorded(bytes32 indexed name, address indexed addr, address previous);

    /// @notice `name` has no address in the book yet.
    error ProvenantHubUnknownContract(bytes32 name);
    /// @notice The zero address cannot be recorded.
    error ProvenantHubZeroAddress(bytes32 name);

    /// @notice Records `addr` under `name`. Admin only.
    function setContract(bytes32 name, address addr) external;

    /// @notice The address recorded under `name`; reverts if there is none.
    function contractOf(bytes32 name) external view returns (address);

    /// @notice True when `account` holds `role`; false for the zero address.
    function hasRole(bytes32 role, address account) external view returns (bool);
}
