// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/**
 * @title IResourceCatalog
 * @notice The public data resource catalog (资源目录): each resource has exactly one source
 * department (一数一源), its share type, open attribute, desensitization and consent basis, and
 * the time of every change. Catalog entries and changes take effect on the authority's approval.
 */
interface IResourceCatalog {
    /// @notice Lifecycle of a catalog entry.
    enum ResourceStatus {
        None,
        Proposed, // filed by the source department, awaiting the authority
        Listed, // approved
        Updated, // approved, and changed at least once since
        Delisted, // withdrawn from the catalog
        Rejected // the authority refused the entry
    }

    /// @notice 共享类型 (003 第十三条).
    enum ShareType {
        None,
        Unconditional, // 无条件共享
        Conditional, // 有条件共享
        NotShared // 不予共享
    }

    /// @notice 开放属性 (003 第十三条; 002 第二条).
    enum OpenAttribute {
        None,
        Unconditional, // 无条件开放
        Conditional, // 有条件开放
        NotOpen // 不予开放
    }

    /// @notice Whether the data needs the consent of data subjects, and whether it is held.
    enum ConsentBasis {
        None,
        NotRequired, // no personal information, or anonymized
        Obtained, // consent of the subjects is recorded off chain
        Required // consent is needed and not held: the resource cannot be authorized
    }

    /// @notice 更新频率.
    enum UpdateFrequency {
        None,
        RealTime,
        Daily,
        Weekly,
        Monthly,
        Quarterly,
        Yearly,
        Irregular
    }

    /// @notice The describable fields of a resource (a request and a stored value).
    struct ResourceData {
        bytes32 catalogKey; // identifier of the data item in the catalog; one source per key
        uint8 classification; // 分级: 1 (general) to 4 (core)
        ShareType shareType; // 共享类型
        OpenAttribute openAttribute; // 开放属性
        bool desensitized; // 已脱敏
        ConsentBasis consent; // consent of data subjects
        UpdateFrequency updateFrequency; // 更新频率
        bytes32 metadataHash; // hash of the catalog metadata document kept off chain
    }

    /// @notice A resource with its status and times.
    struct Resource {
        uint64 sourceDeptId; // the one source department (participant id)
        ResourceStatus status; // see ResourceStatus
        uint64 proposedAt; // when the entry was filed
        uint64 approvedAt; // when the authority approved it (0: not yet)
        uint64 changedAt; // when its fields last changed
        bool changePending; // a change awaits the authority
        ResourceData data; // the approved fields
    }

    /// @notice A source department filed a catalog entry (C09, C11); `publicText` is its public
    /// name, description and fields summary (C21), a JSON object kept in event data only.
    event ResourceProposed(
        uint64 indexed id,
        uint64 indexed sourceDeptId,
        ResourceData data,
        string publicText,
        address by
    );
    /// @notice The authority approved or refused a catalog entry (C11).
    event ResourceReviewed(uint64 indexed id, bool approved, bytes32 opinionHash, address by);
    /// @notice A source department proposed new fields and a new public text for a listed resource (C11, C21).
    event ResourceChangeProposed(uint64 indexed id, ResourceData data, string publicText, address by);
    /// @notice The authority approved (the fields and `publicText` now apply) or refused a change (C11, C21).
    event ResourceChangeReviewed(
        uint64 indexed id,
        bool approved,
        ResourceData data,
        string publicText,
        bytes32 opinionHash,
        address by
    );
    /// @notice A resource left the catalog; `statement` is the public reason (C21).
    event ResourceDelisted(uint64 indexed id, bytes32 reasonHash, string statement, address by);

    error ResourceCatalogUnknownResource(uint64 id);
    error ResourceCatalogDuplicateSource(bytes32 catalogKey, uint64 existingId, uint64 existingSourceDeptId);
    error ResourceCatalogInvalidData(string field);
    error ResourceCatalogWrongStatus(uint64 id, ResourceStatus status);
    error ResourceCatalogNoPendingChange(uint64 id);
    error ResourceCatalogChangePending(uint64 id);
    error ResourceCatalogCatalogKeyChanged(uint64 id);
    error ResourceCatalogNotOpenNotDesensitized(uint64 id);
    error ResourceCatalogConsentMissing(uint64 id);
    error ResourceCatalogNotRegistered(uint64 id);
    /// @notice The authority reviewed a change with a public text other than the one proposed
    /// (keccak256 of each), so the text it adopts is the one the source department filed.
    /// @dev C11 (003 第十二条): the authority approves the change as proposed; C21.
    error ResourceCatalogPublicTextMismatch(uint64 id, bytes32 proposedHash, bytes32 givenHash);

    /// @notice A source department files a new catalog entry. A signer of `sourceDeptId` only.
    /// `publicText` (required, PublicText.RECORD_MAX_BYTES) is the resource's public name,
    /// description and fields summary, carried in `ResourceProposed` only.
    /// @dev 003 第十二条, 第十五条: each data item has one legal source (一数一源). C21 (002 第二十一条):
    /// the catalog is disclosed by name; C34: the text names data, never a person.
    function proposeResource(
        uint64 sourceDeptId,
        ResourceData calldata data,
        string calldata publicText
    ) external returns (uint64 id);

    /// @notice The authority approves (Listed) or refuses a proposed entry. DATA_AUTHORITY only.
    /// @dev 003 第十二条: catalog changes are approved within 5 working days (the service monitors).
    function reviewResource(uint64 id, bool approve, bytes32 opinionHash) external;

    /// @notice The source department proposes new fields and the whole new public text (required)
    /// for a listed resource.
    /// @dev C11; C21.
    function proposeChange(uint64 id, ResourceData calldata data, string calldata publicText) external;

    /// @notice The authority approves or refuses the pending change. DATA_AUTHORITY only.
    /// `publicText` repeats the proposed text (its keccak256 is kept with the change, the text is
    /// not), so `ResourceChangeReviewed` carries the text the approval adopts.
    /// @dev C11 (003 第十二条); C21.
    function reviewChange(uint64 id, bool approve, bytes32 opinionHash, string calldata publicText) external;

    /// @notice The authority delists a resource, with its public statement (required). DATA_AUTHORITY only.
    /// @dev C21 (002 第二十一条): the reason of a delisting is disclosed.
    function delistResource(uint64 id, bytes32 reasonHash, string calldata statement) external;

    /// @notice One resource.
    function resource(uint64 id) external view returns (Resource memory);

    /// @notice The proposed fields of a pending change.
    function pendingChange(uint64 id) external view returns (ResourceData memory);

    /// @notice The resource filed under a catalog key (0: none).
    function resourceByKey(bytes32 catalogKey) external view returns (uint64);

    /// @notice Reverts unless resource `id` may be put under an authorization now: listed,
    /// registered (C36), open or desensitized (C10), and with the consent it needs (C10).
    /// @dev 002 第二条; 003 第十三条.
    function requireAuthorizable(uint64 id) external view;

    /// @notice True when resource `id` may carry authorized use at `at`: the checks of
    /// `requireAuthorizable`, with the registration read at `at` and the catalog fields as they
    /// stand now (a delisting or a change to not-open, not-desensitized or consent-required
    /// data ends every use from the moment it is made; the service dates it from its event).
    /// @dev C10, C36: scenarios and products built on the resource stop being usable with it.
    function isAuthorizable(uint64 id, uint64 at) external view returns (bool);

    /// @notice Number of resources (ids run from 1 to this).
    function resourceCount() external view returns (uint64);
}
