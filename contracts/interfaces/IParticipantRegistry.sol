// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ParticipantKind, ParticipantStatus} from "../common/Types.sol";

/**
 * @title IParticipantRegistry
 * @notice Organizations that take part in authorized operation, their signer keys and their
 * qualification attestations. Organizations only: people never appear on chain (C34).
 *
 * Hub roles mirror signer keys: the keys of an Active SourceDepartment, Operator or Developer hold
 * SOURCE_DEPT, OPERATOR or DEVELOPER. Platform nodes: an Operator or the ImplementingAgency that
 * the data authority records as running a platform node (`setPlatformNode`) has its keys bound to
 * it in the hub. Invariant kept by every function below: `hub.nodeOf(key) == id != 0` if and
 * only if `key` holds PLATFORM_NODE by this mirror and is a signer key of the Active participant
 * `id`, of kind Operator or ImplementingAgency, that runs a platform node. Removing the key,
 * suspending or exiting the participant, or `setPlatformNode(id, false)` unbinds it (and revokes
 * PLATFORM_NODE); adding a key to, or reinstating, such a participant binds it again.
 */
interface IParticipantRegistry {
    /// @notice One organization.
    struct Participant {
        ParticipantKind kind; // what the organization is
        ParticipantStatus status; // Active, Suspended or Exited
        uint64 registeredAt; // block time of registration
        uint64 statusChangedAt; // block time of the last status change
        bytes32 profileHash; // hash of the off-chain profile document
        string name; // registered organization name
        string creditCode; // 统一社会信用代码 (GB 32100-2015), checked on chain
    }

    /// @notice One qualification attestation (准入条件, C08).
    struct Qualification {
        bytes32 kind; // e.g. keccak256("ISO27001"), keccak256("DSMM-3")
        bytes32 documentHash; // hash of the certificate or proof kept off chain
        uint64 attestedAt; // block time of the attestation
        uint64 validUntil; // end of validity (0: no end)
        bool revoked; // withdrawn by the authority
    }

    /// @notice A participant was registered with every field a reader needs.
    event ParticipantRegistered(
        uint64 indexed id,
        ParticipantKind kind,
        string name,
        string creditCode,
        bytes32 profileHash,
        address[] signers,
        address registeredBy
    );
    /// @notice `signer` may now act for participant `id`.
    event SignerAdded(uint64 indexed id, address indexed signer, address by);
    /// @notice `signer` may no longer act for participant `id`.
    event SignerRemoved(uint64 indexed id, address indexed signer, address by);
    /// @notice A qualification was attested (C08; 000 第十一条; 001 第九条; 004 第十条).
    event QualificationAttested(
        uint64 indexed id,
        uint32 index,
        bytes32 kind,
        bytes32 documentHash,
        uint64 validUntil,
        address attestedBy
    );
    /// @notice A qualification was withdrawn.
    event QualificationRevoked(uint64 indexed id, uint32 index, bytes32 reasonHash, address by);
    /// @notice Participant `id` now runs (`runs`) or no longer runs a platform node (授权运营平台).
    event PlatformNodeSet(uint64 indexed id, bool runs, address by);
    /// @notice The status of a participant changed.
    event ParticipantStatusChanged(
        uint64 indexed id,
        ParticipantStatus from,
        ParticipantStatus to,
        bytes32 reasonHash,
        address by
    );

    /// @notice Participant `id` published its public profile: the office contact the public reads
    /// (an office window, a public telephone, a website), a JSON object in event data only (C21).
    event ParticipantProfilePublished(uint64 indexed id, string publicText, address by);

    error ParticipantRegistryUnknownParticipant(uint64 id);
    error ParticipantRegistryInvalidKind(ParticipantKind kind);
    error ParticipantRegistryInvalidName(uint256 length);
    error ParticipantRegistryInvalidCreditCode(string creditCode);
    /// @notice The code is a well-formed resident ID number (GB 11643): personal data, refused (C34).
    /// @dev It carries no argument, so the number is not repeated in the revert data.
    error ParticipantRegistryPersonalIdNumber();
    error ParticipantRegistryDuplicateCreditCode(string creditCode, uint64 existingId);
    error ParticipantRegistryZeroSigner();
    error ParticipantRegistrySignerTaken(address signer, uint64 participantId);
    error ParticipantRegistryNotSigner(uint64 id, address signer);
    error ParticipantRegistryTooManySigners(uint64 id, uint256 max);
    error ParticipantRegistryLastSigner(uint64 id);
    error ParticipantRegistryInvalidStatus(uint64 id, ParticipantStatus status);
    error ParticipantRegistryZeroHash();
    error ParticipantRegistryUnknownQualification(uint64 id, uint32 index);
    error ParticipantRegistryQualificationExpired(uint64 validUntil);
    error ParticipantRegistryNotActiveSigner(uint64 id, address account);
    error ParticipantRegistryWrongKind(uint64 id, ParticipantKind expected, ParticipantKind actual);
    /// @notice Only an Operator or the ImplementingAgency runs a platform node; `id` is a `kind`.
    error ParticipantRegistryNotPlatformNodeKind(uint64 id, ParticipantKind kind);
    /// @notice Participant `id` already is (`runs`) or is not a platform node.
    error ParticipantRegistryPlatformNodeUnchanged(uint64 id, bool runs);

    /// @notice Registers an organization with at least one signer key. DATA_AUTHORITY only.
    /// @dev 000 第十一条; 001 第九条: the authority admits operators that meet the conditions.
    function register(
        ParticipantKind kind,
        string calldata name,
        string calldata creditCode,
        bytes32 profileHash,
        address[] calldata signers
    ) external returns (uint64 id);

    /// @notice Binds a new signer key to a participant. DATA_AUTHORITY only.
    function addSigner(uint64 id, address signer) external;

    /// @notice Unbinds a signer key (never the last one). DATA_AUTHORITY only.
    function removeSigner(uint64 id, address signer) external;

    /**
     * @notice Records that participant `id` runs (`runs` true) or no longer runs a platform node:
     * while it is Active, each of its signer keys holds PLATFORM_NODE and is bound to `id` in the
     * hub (`nodeOf`), so it may anchor usage receipts as node `id` (IReceiptAnchor) and file for
     * data subjects (IOversightRegistry). An Operator or the ImplementingAgency, not Exited.
     * DATA_AUTHORITY only.
     * @dev 000 第十八条: the platform is run by the data affairs center (the ImplementingAgency);
     * 001 第十六条: the operator (授权运营单位) builds and runs it; 000 第十九条: every activity on it
     * leaves a trace, signed by a key of the organization running it.
     */
    function setPlatformNode(uint64 id, bool runs) external;

    /// @notice Records a qualification attestation (C08). DATA_AUTHORITY only.
    /// @dev 000 第十一条; 001 第九条; 004 第十条: admission conditions.
    function attestQualification(
        uint64 id,
        bytes32 kind,
        bytes32 documentHash,
        uint64 validUntil
    ) external returns (uint32 index);

    /// @notice Withdraws a qualification attestation. DATA_AUTHORITY only.
    function revokeQualification(uint64 id, uint32 index, bytes32 reasonHash) external;

    /// @notice Suspends an active participant: its keys stop acting. DATA_AUTHORITY only.
    /// @dev 001 第三十八条: rectification with permissions suspended.
    function suspend(uint64 id, bytes32 reasonHash) external;

    /// @notice Reinstates a suspended participant. DATA_AUTHORITY only.
    function reinstate(uint64 id, bytes32 reasonHash) external;

    /// @notice Marks a participant as exited, for good. DATA_AUTHORITY only.
    /// @dev 000 第二十六条: exit of an operator.
    function exit(uint64 id, bytes32 reasonHash) external;

    /// @notice Publishes participant `id`'s public profile (required, PublicText.RECORD_MAX_BYTES);
    /// the latest one applies. An active signer of `id`, or DATA_AUTHORITY (the registrar).
    /// @dev C21 (000 第十四条; 002 第二十一条): the public knows whom to ask and where to object;
    /// C34 (001 第二十条): an office's contact, never a person's name or number.
    function publishProfile(uint64 id, string calldata publicText) external;

    /// @notice The participant `id`; reverts if unknown.
    function participant(uint64 id) external view returns (Participant memory);

    /// @notice The kind of participant `id` (None if unknown). Cheaper than `participant` for checks.
    function kindOf(uint64 id) external view returns (ParticipantKind);

    /// @notice When participant `id` was registered (0 if unknown). Cheaper than `participant`.
    function registeredAt(uint64 id) external view returns (uint64);

    /// @notice True when participant `id` is recorded as running a platform node.
    function isPlatformNode(uint64 id) external view returns (bool);

    /// @notice The status of participant `id` (None if unknown).
    function statusOf(uint64 id) external view returns (ParticipantStatus);

    /// @notice The participant a signer key belongs to (0: none).
    function participantOf(address signer) external view returns (uint64);

    /// @notice The signer keys of a participant.
    function signers(uint64 id) external view returns (address[] memory);

    /// @notice True when `account` is a signer of `id` and `id` is Active.
    function isActiveSigner(uint64 id, address account) external view returns (bool);

    /// @notice Reverts unless `account` is a signer of the Active participant `id` of `kind`
    /// (ParticipantKind.None accepts any kind).
    function requireActiveSigner(uint64 id, ParticipantKind kind, address account) external view;

    /// @notice Reverts unless `id` is an Active participant of `kind`.
    function requireActive(uint64 id, ParticipantKind kind) external view;

    /// @notice Number of qualification attestations of `id`.
    function qualificationCount(uint64 id) external view returns (uint32);

    /// @notice One qualification attestation of `id`.
    function qualification(uint64 id, uint32 index) external view returns (Qualification memory);

    /// @notice True when `id` holds an unrevoked qualification of `kind` valid at `at`.
    function hasQualification(uint64 id, bytes32 kind, uint64 at) external view returns (bool);

    /// @notice Number of registered participants (ids run from 1 to this).
    function participantCount() external view returns (uint64);
}
