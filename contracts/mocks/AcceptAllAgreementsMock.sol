// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/**
 * @title AcceptAllAgreementsMock
 * @notice Test-only stand-in for a hostile AgreementRegistry: it says every agreement covers
 * every authorization. The governance tests show the hub cannot be repointed at it at once (C05).
 */
contract AcceptAllAgreementsMock {
    /// @notice Accepts any agreement for any authorization.
    function requireCovers(uint64 agreementId, uint64 authorizationId) external pure {
        agreementId;
        authorizationId;
    }
}
