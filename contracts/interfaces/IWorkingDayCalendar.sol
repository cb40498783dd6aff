// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/**
 * @title IWorkingDayCalendar
 * @notice The working-day calendar statutory periods are counted in (工作日): per year, the rest
 * days (法定节假日 and the days off around them) and the make-up working days on weekends (调休上班)
 * of the State Council's notice, set by the data authority. Days are China-local (UTC+8).
 *
 * A year nobody has set yet is counted by the provisional rule: weekends rest, and so do the
 * fixed-date statutory holidays of 《全国年节及纪念日放假办法》 (2024): 1 January, 1-2 May and 1-3
 * October. The lunar holidays (春节, 端午, 中秋) and 清明 cannot be computed here; every answer that
 * touched an unset year says `provisional`, and the ledger-service counts those years with them.
 * @dev C04 (000 第十条(5)), C11, C12, C27, C32: periods in working days.
 */
interface IWorkingDayCalendar {
    /// @notice One year's schedule (constructor seeds and `setYear`).
    struct YearSchedule {
        uint16 year;
        uint16[] restDays; // 0-based days of the year that rest, ascending
        uint16[] workDays; // 0-based days of the year that work although weekends, ascending
        bytes32 noticeHash; // the State Council notice followed
    }

    /// @notice Emitted when `year`'s schedule is set or corrected: every rest day and make-up
    /// working day as a 0-based day of the year, ascending, and the hash of the notice it follows.
    event CalendarYearSet(uint16 indexed year, uint16[] restDays, uint16[] workDays, bytes32 noticeHash, uint32 version, address by);

    error WorkingDayCalendarInvalidYear(uint16 year);
    error WorkingDayCalendarInvalidDay(uint16 year, uint16 dayOfYear);
    error WorkingDayCalendarDaysNotAscending(uint16 year, uint16 dayOfYear);
    error WorkingDayCalendarDayTwice(uint16 year, uint16 dayOfYear);
    error WorkingDayCalendarZeroHash();
    error WorkingDayCalendarTooManyWorkingDays(uint256 n, uint256 max);
    error WorkingDayCalendarWorkDayNotWeekend(uint16 year, uint16 dayOfYear);
    error WorkingDayCalendarStatutoryHolidayWorks(uint16 year, uint16 dayOfYear);
    error WorkingDayCalendarNoWorkingDays(uint64 from, uint256 n);

    /// @notice Sets (or corrects) `year`'s schedule. Only DATA_AUTHORITY. Every make-up working
    /// day must be a Saturday or Sunday, and the fixed-date statutory holidays (1 January, 1-2 May,
    /// 1-3 October) must rest: the authority can add rest days and move work onto weekends, never
    /// shorten a period below the statutory floor.
    /// @param restDays 0-based days of the year that are rest days (holidays and days off), ascending.
    /// @param workDays 0-based days of the year that are working days although weekends, ascending.
    /// @param noticeHash hash of the State Council notice (国务院办公厅关于…部分节假日安排的通知) followed.
    function setYear(uint16 year, uint16[] calldata restDays, uint16[] calldata workDays, bytes32 noticeHash) external;

    /// @notice True when `year`'s schedule has been set (then no answer about it is provisional).
    function isSet(uint16 year) external view returns (bool);

    /// @notice How many times `year`'s schedule has been set (0: never; the provisional rule counts it).
    function versionOf(uint16 year) external view returns (uint32);

    /// @notice Whether China-local day `day` (days since 1970-01-01, UTC+8) is a working day, and
    /// whether the provisional rule decided it.
    function isWorkingDay(uint256 day) external view returns (bool working, bool provisional);

    /// @notice The end (exclusive: the next China midnight) of the `n`-th working day strictly after
    /// the China-local day of `from`, and whether the provisional rule decided any day counted.
    /// The same count the ledger-service's deadlines use (a period starting on a Friday evening
    /// before a holiday week ends after the holidays).
    function addWorkingDays(uint64 from, uint256 n) external view returns (uint64 endsAt, bool provisional);
}
