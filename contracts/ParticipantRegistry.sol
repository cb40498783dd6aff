// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IProvenantHub} from "./interfaces/IProvenantHub.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {HubConsumer} from "./common/HubConsumer.sol";
import {PublicText} from "./common/PublicText.sol";
import {
    DATA_AUTHORITY,
    SOURCE_DEPT,
    OPERATOR,
    DEVELOPER,
    ParticipantKind,
    ParticipantStatus
} from "./common/Types.sol";

/**
 * @title ParticipantRegistry
 * @notice Organizations, their signer keys and qualifications. Keeps the hub's SOURCE_DEPT,
 * OPERATOR and DEVELOPER roles equal to the signer keys of active participants of those kinds,
 * and PLATFORM_NODE with the hub's node binding (`nodeOf`) equal to the signer keys of active
 * participants that run a platform node (the invariant in IParticipantRegistry).
 * @dev C08 (qualifications), C34 (organizations only; the credit code must pass the
 * GB 32100-2015 check character, so a personal ID number cannot be stored in its place).
 */
contract ParticipantRegistry is HubConsumer, IParticipantRegistry {
    /// @notice Upper bound on signer keys per participant (keeps role mirroring bounded).
    uint256 public constant MAX_SIGNERS = 16;
    /// @notice Upper bound on the byte length of a name.
    uint256 public constant MAX_NAME_BYTES = 200;

    /// @dev GB 32100-2015 alphabet: digits and capitals without I, O, S, V, Z.
    bytes private constant _USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";

    uint64 private _count;
    mapping(uint64 id => Participant) private _participants;
    mapping(uint64 id => address[]) private _signers;
    mapping(address signer => uint64 id) private _participantOf;
    mapping(bytes32 creditCodeHash => uint64 id) private _idByCreditCode;
    mapping(uint64 id => Qualification[]) private _qualifications;
    mapping(uint64 id => bool runs) private _platformNode;

    constructor(IProvenantHub hub_) HubConsumer(hub_) {}

    // ===== REGISTRATION =====

    /// @inheritdoc IParticipantRegistry
    function register(
        ParticipantKind kind,
        string calldata name,
        string calldata creditCode,
        bytes32 profileHash,
        address[] calldata signerKeys
    ) external onlyRole(DATA_AUTHORITY) returns (uint64 id) {
        // Ensure that the kind is a real one.
        if (kind == ParticipantKind.None) revert ParticipantRegistryInvalidKind(kind);
        // Ensure that the name is present and bounded.
        uint256 nameLength = bytes(name).length;
        if (nameLength == 0 || nameLength > MAX_NAME_BYTES) revert ParticipantRegistryInvalidName(nameLength);
        // Ensure that the credit code is a valid organization code, not a person's ID number, registered once.
        if (isResidentIdNumber(creditCode)) revert ParticipantRegistryPersonalIdNumber();
        if (!isValidCreditCode(creditCode)) revert ParticipantRegistryInvalidCreditCode(creditCode);
        bytes32 codeHash = keccak256(bytes(creditCode));
        uint64 existing = _idByCreditCode[codeHash];
        if (existing != 0) revert ParticipantRegistryDuplicateCreditCode(creditCode, existing);
        // Ensure that there is at least one signer and not too many.
        if (signerKeys.length == 0) revert ParticipantRegistryZeroSigner();
        if (signerKeys.length > MAX_SIGNERS) revert ParticipantRegistryTooManySigners(0, MAX_SIGNERS);

        id = ++_count;
        _idByCreditCode[codeHash] = id;
        Participant storage p = _participants[id];
        p.kind = kind;
        p.status = ParticipantStatus.Active;
        p.registeredAt = _now();
        p.statusChangedAt = _now();
        p.profileHash = profileHash;
        p.name = name;
        p.creditCode = creditCode;
        emit ParticipantRegistered(id, kind, name, creditCode, profileHash, signerKeys, msg.sender);
        for (uint256 i = 0; i < signerKeys.length; ++i) {
            _addSigner(id, signerKeys[i]);
        }
    }

    /// @inheritdoc IParticipantRegistry
    function addSigner(uint64 id, address signer) external onlyRole(DATA_AUTHORITY) {
        Participant storage p = _get(id);
        if (p.status == ParticipantStatus.Exited) revert ParticipantRegistryInvalidStatus(id, p.status);
        if (_signers[id].length >= MAX_SIGNERS) revert ParticipantRegistryTooManySigners(id, MAX_SIGNERS);
        _addSigner(id, signer);
    }

    /// @inheritdoc IParticipantRegistry
    function removeSigner(uint64 id, address signer) external onlyRole(DATA_AUTHORITY) {
        _get(id);
        if (_participantOf[signer] != id || signer == address(0)) revert ParticipantRegistryNotSigner(id, signer);
        address[] storage keys = _signers[id];
        if (keys.length == 1) revert ParticipantRegistryLastSigner(id);
        for (uint256 i = 0; i < keys.length; ++i) {
            if (keys[i] == signer) {
                keys[i] = keys[keys.length - 1];
                keys.pop();
                break;
            }
        }
        delete _participantOf[signer];
        _syncRole(id, signer, false);
        if (_platformNode[id] && _participants[id].status == ParticipantStatus.Active) hub().setNodeKey(signer, 0);
        emit SignerRemoved(id, signer, msg.sender);
    }

    // ===== PLATFORM NODES =====

    /// @inheritdoc IParticipantRegistry
    function setPlatformNode(uint64 id, bool runs) external onlyRole(DATA_AUTHORITY) {
        Participant storage p = _get(id);
        // Ensure that the organization is one that runs a platform, still taking part, and that
        // something changes.
        if (p.kind != ParticipantKind.Operator && p.kind != ParticipantKind.ImplementingAgency) {
            revert ParticipantRegistryNotPlatformNodeKind(id, p.kind);
        }
        if (p.status == ParticipantStatus.Exited) revert ParticipantRegistryInvalidStatus(id, p.status);
        if (_platformNode[id] == runs) revert ParticipantRegistryPlatformNodeUnchanged(id, runs);
        _platformNode[id] = runs;
        emit PlatformNodeSet(id, runs, msg.sender);
        if (p.status == ParticipantStatus.Active) {
            address[] storage keys = _signers[id];
            for (uint256 i = 0; i < keys.length; ++i) {
                hub().setNodeKey(keys[i], runs ? id : 0);
            }
        }
    }

    // ===== QUALIFICATIONS =====

    /// @inheritdoc IParticipantRegistry
    function attestQualification(
        uint64 id,
        bytes32 kind,
        bytes32 documentHash,
        uint64 validUntil
    ) external onlyRole(DATA_AUTHORITY) returns (uint32 index) {
        Participant storage p = _get(id);
        if (p.status == ParticipantStatus.Exited) revert ParticipantRegistryInvalidStatus(id, p.status);
        if (kind == bytes32(0) || documentHash == bytes32(0)) revert ParticipantRegistryZeroHash();
        if (validUntil != 0 && validUntil <= _now()) revert ParticipantRegistryQualificationExpired(validUntil);
        index = uint32(_qualifications[id].length);
        _qualifications[id].push(
            Qualification({
                kind: kind,
                documentHash: documentHash,
                attestedAt: _now(),
                validUntil: validUntil,
                revoked: false
            })
        );
        emit QualificationAttested(id, index, kind, documentHash, validUntil, msg.sender);
    }

    /// @inheritdoc IParticipantRegistry
    function revokeQualification(uint64 id, uint32 index, bytes32 reasonHash) external onlyRole(DATA_AUTHORITY) {
        _get(id);
        if (index >= _qualifications[id].length) revert ParticipantRegistryUnknownQualification(id, index);
        Qualification storage q = _qualifications[id][index];
        if (q.revoked) revert ParticipantRegistryUnknownQualification(id, index);
        q.revoked = true;
        emit QualificationRevoked(id, index, reasonHash, msg.sender);
    }

    // ===== STATUS =====

    /// @inheritdoc IParticipantRegistry
    function suspend(uint64 id, bytes32 reasonHash) external onlyRole(DATA_AUTHORITY) {
        _setStatus(id, ParticipantStatus.Active, ParticipantStatus.Suspended, reasonHash);
    }

    /// @inheritdoc IParticipantRegistry
    function reinstate(uint64 id, bytes32 reasonHash) external onlyRole(DATA_AUTHORITY) {
        _setStatus(id, ParticipantStatus.Suspended, ParticipantStatus.Active, reasonHash);
    }

    /// @inheritdoc IParticipantRegistry
    function exit(uint64 id, bytes32 reasonHash) external onlyRole(DATA_AUTHORITY) {
        ParticipantStatus from = _get(id).status;
        if (from == ParticipantStatus.Exited) revert ParticipantRegistryInvalidStatus(id, from);
        _setStatus(id, from, ParticipantStatus.Exited, reasonHash);
    }

    /// @inheritdoc IParticipantRegistry
    function publishProfile(uint64 id, string calldata publicText) external {
        _get(id);
        // Ensure that the participant itself or the registrar publishes its profile.
        if (!isActiveSigner(id, msg.sender) && !_hasRole(DATA_AUTHORITY, msg.sender)) {
            revert ParticipantRegistryNotActiveSigner(id, msg.sender);
        }
        PublicText.checkRecord(publicText);
        emit ParticipantProfilePublished(id, publicText, msg.sender);
    }

    // ===== GETTERS =====

    /// @inheritdoc IParticipantRegistry
    function participant(uint64 id) external view returns (Participant memory) {
        return _get(id);
    }

    /// @inheritdoc IParticipantRegistry
    function kindOf(uint64 id) external view returns (ParticipantKind) {
        return _participants[id].kind;
    }

    /// @inheritdoc IParticipantRegistry
    function registeredAt(uint64 id) external view returns (uint64) {
        return _participants[id].registeredAt;
    }

    /// @inheritdoc IParticipantRegistry
    function isPlatformNode(uint64 id) external view returns (bool) {
        return _platformNode[id];
    }

    /// @inheritdoc IParticipantRegistry
    function statusOf(uint64 id) external view returns (ParticipantStatus) {
        return _participants[id].status;
    }

    /// @inheritdoc IParticipantRegistry
    function participantOf(address signer) external view returns (uint64) {
        return _participantOf[signer];
    }

    /// @inheritdoc IParticipantRegistry
    function signers(uint64 id) external view returns (address[] memory) {
        _get(id);
        return _signers[id];
    }

    /// @inheritdoc IParticipantRegistry
    function isActiveSigner(uint64 id, address account) public view returns (bool) {
        return
            id != 0 &&
            account != address(0) &&
            _participantOf[account] == id &&
            _participants[id].status == ParticipantStatus.Active;
    }

    /// @inheritdoc IParticipantRegistry
    function requireActiveSigner(uint64 id, ParticipantKind kind, address account) external view {
        requireActive(id, kind);
        if (!isActiveSigner(id, account)) revert ParticipantRegistryNotActiveSigner(id, account);
    }

    /// @inheritdoc IParticipantRegistry
    function requireActive(uint64 id, ParticipantKind kind) public view {
        Participant storage p = _get(id);
        if (kind != ParticipantKind.None && p.kind != kind) revert ParticipantRegistryWrongKind(id, kind, p.kind);
        if (p.status != ParticipantStatus.Active) revert ParticipantRegistryInvalidStatus(id, p.status);
    }

    /// @inheritdoc IParticipantRegistry
    function qualificationCount(uint64 id) external view returns (uint32) {
        return uint32(_qualifications[id].length);
    }

    /// @inheritdoc IParticipantRegistry
    function qualification(uint64 id, uint32 index) external view returns (Qualification memory) {
        if (index >= _qualifications[id].length) revert ParticipantRegistryUnknownQualification(id, index);
        return _qualifications[id][index];
    }

    /// @inheritdoc IParticipantRegistry
    function hasQualification(uint64 id, bytes32 kind, uint64 at) external view returns (bool) {
        Qualification[] storage qs = _qualifications[id];
        for (uint256 i = 0; i < qs.length; ++i) {
            Qualification storage q = qs[i];
            if (q.kind == kind && !q.revoked && q.attestedAt <= at && (q.validUntil == 0 || at < q.validUntil)) {
                return true;
            }
        }
        return false;
    }

    /// @inheritdoc IParticipantRegistry
    function participantCount() external view returns (uint64) {
        return _count;
    }

    /**
     * @notice True when `code` is an 18-character unified social credit code whose last character
     * is the GB 32100-2015 check character of the first seventeen, and not also a well-formed
     * resident ID number.
     * @dev C34 (001 第二十条, 003 第三十二条): about 3% of resident ID numbers pass the credit-code
     * check by chance; they are refused all the same, since a person's number must never be stored.
     */
    function isValidCreditCode(string calldata code) public pure returns (bool) {
        bytes calldata b = bytes(code);
        if (b.length != 18 || isResidentIdNumber(code)) return false;
        uint256 sum = 0;
        uint256 weight = 1;
        for (uint256 i = 0; i < 17; ++i) {
            (bool ok, uint256 v) = _usccValue(b[i]);
            if (!ok) return false;
            sum += v * weight;
            weight = (weight * 3) % 31;
        }
        uint256 check = (31 - (sum % 31)) % 31;
        (bool okLast, uint256 last) = _usccValue(b[17]);
        return okLast && last == check;
    }

    /**
     * @notice True when `code` is a well-formed 18-digit resident ID number (GB 11643-1999):
     * seventeen digits whose 7th to 14th form a real date (years 1800 to 2199), then the ISO 7064
     * MOD 11-2 check character (a digit or X).
     * @dev C34: personal data, refused as a credit code.
     */
    function isResidentIdNumber(string calldata code) public pure returns (bool) {
        bytes calldata b = bytes(code);
        if (b.length != 18) return false;
        uint256 sum = 0;
        uint256 weight = 1; // 2^(17 - i) mod 11, from i = 16 down
        uint256[17] memory digits;
        for (uint256 i = 0; i < 17; ++i) {
            uint8 c = uint8(b[i]);
            if (c < 0x30 || c > 0x39) return false;
            digits[i] = c - 0x30;
        }
        for (uint256 i = 17; i > 0; --i) {
            weight = (weight * 2) % 11;
            sum += digits[i - 1] * weight;
        }
        uint256 check = (12 - (sum % 11)) % 11;
        uint8 last = uint8(b[17]);
        if (check == 10 ? last != 0x58 : last != 0x30 + check) return false;
        uint256 year = digits[6] * 1000 + digits[7] * 100 + digits[8] * 10 + digits[9];
        uint256 month = digits[10] * 10 + digits[11];
        uint256 day = digits[12] * 10 + digits[13];
        if (year < 1800 || year > 2199 || month == 0 || month > 12 || day == 0) return false;
        uint256 daysIn = month == 2
            ? ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28)
            : (month == 4 || month == 6 || month == 9 || month == 11 ? 30 : 31);
        return day <= daysIn;
    }

    // ===== HELPERS =====

    function _get(uint64 id) private view returns (Participant storage p) {
        p = _participants[id];
        if (p.kind == ParticipantKind.None) revert ParticipantRegistryUnknownParticipant(id);
    }

    function _addSigner(uint64 id, address signer) private {
        if (signer == address(0)) revert ParticipantRegistryZeroSigner();
        uint64 owner = _participantOf[signer];
        if (owner != 0) revert ParticipantRegistrySignerTaken(signer, owner);
        _participantOf[signer] = id;
        _signers[id].push(signer);
        if (_participants[id].status == ParticipantStatus.Active) {
            _syncRole(id, signer, true);
            if (_platformNode[id]) hub().setNodeKey(signer, id);
        }
        emit SignerAdded(id, signer, msg.sender);
    }

    function _setStatus(uint64 id, ParticipantStatus from, ParticipantStatus to, bytes32 reasonHash) private {
        Participant storage p = _get(id);
        if (p.status != from) revert ParticipantRegistryInvalidStatus(id, p.status);
        p.status = to;
        p.statusChangedAt = _now();
        bool active = to == ParticipantStatus.Active;
        // A node's keys are bound while it is Active: only a change into or out of Active moves them.
        bool rebind = _platformNode[id] && active != (from == ParticipantStatus.Active);
        address[] storage keys = _signers[id];
        for (uint256 i = 0; i < keys.length; ++i) {
            _syncRole(id, keys[i], active);
            if (rebind) hub().setNodeKey(keys[i], active ? id : 0);
        }
        emit ParticipantStatusChanged(id, from, to, reasonHash, msg.sender);
    }

    /// @dev Mirrors a signer key into the hub role of its participant's kind, if that kind has one.
    function _syncRole(uint64 id, address signer, bool grant) private {
        bytes32 role = _roleOfKind(_participants[id].kind);
        if (role == bytes32(0)) return;
        if (grant) hub().grantRole(role, signer);
        else hub().revokeRole(role, signer);
    }

    function _roleOfKind(ParticipantKind kind) private pure returns (bytes32) {
        if (kind == ParticipantKind.SourceDepartment) return SOURCE_DEPT;
        if (kind == ParticipantKind.Operator) return OPERATOR;
        if (kind == ParticipantKind.Developer) return DEVELOPER;
        return bytes32(0);
    }

    function _usccValue(bytes1 c) private pure returns (bool, uint256) {
        bytes memory alphabet = _USCC_ALPHABET;
        for (uint256 i = 0; i < alphabet.length; ++i) {
            if (alphabet[i] == c) return (true, i);
        }
        return (false, 0);
    }
}
