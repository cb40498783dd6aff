// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {PublicText} from "../common/PublicText.sol";

/// @dev Test-only: exposes the PublicText library so tests compare it with a reference validator.
contract PublicTextHarness {
    function check(string calldata text, uint256 maxBytes, bool required) external pure {
        PublicText.check(text, maxBytes, required);
    }

    function firstInvalid(bytes calldata b) external pure returns (bool ok, uint256 offset) {
        return PublicText.firstInvalid(b);
    }
}
