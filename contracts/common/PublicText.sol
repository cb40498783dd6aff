// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/**
 * @title PublicText
 * @notice Checks the public text that a record or a decision carries in its event: the name,
 * description, title or statement the public reads (C21), as a UTF-8 JSON object serialized
 * as a string. The text lives in event data only, never in storage; the service parses the
 * JSON, checks its shape, NFC and character caps, and shows a text that fails as absent.
 *
 * The chain guarantees what no page can repair afterwards:
 * - well-formed UTF-8: shortest form, no surrogates (U+D800–U+DFFF), nothing above U+10FFFF;
 * - no control characters: C0 (U+0000–U+001F), DEL (U+007F), C1 (U+0080–U+009F);
 * - no bidirectional controls (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), which could make
 *   a name read differently from what it is, and no byte order mark (U+FEFF);
 * - a byte cap (`RECORD_MAX_BYTES`, `STATEMENT_MAX_BYTES`), and a non-empty text where required.
 *
 * NOTE: a JSON string escapes its control characters (`\n` is the two bytes `\` `n`), so a
 * well-formed JSON text never needs a raw control byte; the check refuses them all.
 * @dev 000 第十四条; 002 第二十一条 (C21: public disclosure of the authorization objects, content,
 * scope and term, and product capability lists). 001 第二十条; 003 第三十二条 (C34: no personal
 * data on chain: texts name organizations, offices and data, never a person; the byte cap and the
 * refusal of hidden characters keep a text what it shows).
 */
library PublicText {
    /// @notice Byte cap of a record's public text (resource, scenario, product, call, agreement, profile).
    uint256 internal constant RECORD_MAX_BYTES = 2048;
    /// @notice Byte cap of a decision's public statement.
    uint256 internal constant STATEMENT_MAX_BYTES = 1024;

    /// @notice The text is not well-formed UTF-8, or holds a control, bidi or BOM character; `offset`
    /// is the byte offset of the sequence refused.
    /// @dev C21 (000 第十四条; 002 第二十一条): a disclosed text must read as it is; C34 (001 第二十条).
    error PublicTextInvalid(uint256 offset);
    /// @notice The text has `length` bytes, more than `maxBytes`.
    /// @dev C21; C34 (001 第二十条): a short public summary, never a document with personal data.
    error PublicTextTooLong(uint256 length, uint256 maxBytes);
    /// @notice The decision or record needs a public text and none was given.
    /// @dev C21 (000 第十四条; 002 第二十一条): the public reads the name of the record and the
    /// reason of a refusal, suspension, termination or delisting.
    error PublicTextRequired();

    /// @notice Reverts unless `text` is a non-empty, valid record text of at most RECORD_MAX_BYTES.
    function checkRecord(string calldata text) internal pure {
        check(text, RECORD_MAX_BYTES, true);
    }

    /// @notice Reverts unless `text` is a valid statement of at most STATEMENT_MAX_BYTES, non-empty
    /// when `required`.
    function checkStatement(string calldata text, bool required) internal pure {
        check(text, STATEMENT_MAX_BYTES, required);
    }

    /// @notice Reverts unless `text` has at most `maxBytes` bytes, is non-empty when `required`,
    /// and passes `firstInvalid`.
    function check(string calldata text, uint256 maxBytes, bool required) internal pure {
        uint256 n = bytes(text).length;
        // Ensure that a required text is there.
        if (n == 0) {
            if (required) revert PublicTextRequired();
            return;
        }
        // Ensure that the text stays a short public summary.
        if (n > maxBytes) revert PublicTextTooLong(n, maxBytes);
        // Ensure that the text is well-formed UTF-8 without hidden characters.
        (bool ok, uint256 offset) = firstInvalid(bytes(text));
        if (!ok) revert PublicTextInvalid(offset);
    }

    /**
     * @notice Scans `b` as UTF-8: `ok` is false at the first sequence that is ill-formed (a stray
     * continuation byte, a lead byte C0, C1 or F5–FF, a truncated sequence, an overlong form, a
     * surrogate, a code point above U+10FFFF) or that encodes a refused character; `offset` is
     * the offset of its first byte.
     */
    function firstInvalid(bytes calldata b) internal pure returns (bool ok, uint256 offset) {
        uint256 n = b.length;
        uint256 i = 0;
        unchecked {
            while (i < n) {
                uint256 c = uint8(b[i]);
                if (c < 0x80) {
                    // ASCII: refuse C0 controls and DEL.
                    if (c < 0x20 || c == 0x7f) return (false, i);
                    ++i;
                    continue;
                }
                uint256 len;
                uint256 cp;
                if (c < 0xC2) {
                    return (false, i); // a continuation byte, or C0/C1 (overlong 2-byte forms)
                } else if (c < 0xE0) {
                    len = 2;
                    cp = c & 0x1F;
                } else if (c < 0xF0) {
                    len = 3;
                    cp = c & 0x0F;
                } else if (c < 0xF5) {
                    len = 4;
                    cp = c & 0x07;
                } else {
                    return (false, i); // F5..FF never start a sequence
                }
                if (n - i < len) return (false, i);
                for (uint256 k = 1; k < len; ++k) {
                    uint256 cc = uint8(b[i + k]);
                    if (cc & 0xC0 != 0x80) return (false, i);
                    cp = (cp << 6) | (cc & 0x3F);
                }
                if (len == 2) {
                    // U+0080..U+009F: C1 controls; U+061C: the Arabic letter mark (a bidi control).
                    if (cp < 0xA0 || cp == 0x61C) return (false, i);
                } else if (len == 3) {
                    // Shortest form, no surrogates, no bidi controls, no BOM.
                    if (
                        cp < 0x800 ||
                        (cp >= 0xD800 && cp <= 0xDFFF) ||
                        cp == 0x200E ||
                        cp == 0x200F ||
                        (cp >= 0x202A && cp <= 0x202E) ||
                        (cp >= 0x2066 && cp <= 0x2069) ||
                        cp == 0xFEFF
                    ) return (false, i);
                } else if (cp < 0x10000 || cp > 0x10FFFF) {
                    return (false, i); // overlong 4-byte form, or beyond Unicode
                }
                i += len;
            }
        }
        return (true, 0);
    }
}
