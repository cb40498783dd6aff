// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/**
 * @title IAgreementRegistry
 * @notice What the AuthorizationRegistry asks of agreements (C05). The full agreement registry
 * (kinds, parties, EIP-712 signatures, filing) extends this interface.
 */
interface IAgreementRegistry {
    /// @notice Reverts unless agreement `agreementId` is effective (signed by every party),
    /// filed (备案) with the authority, and governs authorization `authorizationId` with a scope
    /// and a term that cover it.
    /// @dev 000 第十条(6); 001 第十三条.
    function requireCovers(uint64 agreementId, uint64 authorizationId) external view;
}
