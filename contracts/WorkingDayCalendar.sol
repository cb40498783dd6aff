// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IProvenantHub} from "./interfaces/IProvenantHub.sol";
import {IWorkingDayCalendar} from "./interfaces/IWorkingDayCalendar.sol";
import {HubConsumer} from "./common/HubConsumer.sol";
import {DateMath} from "./common/DateMath.sol";
import {DATA_AUTHORITY} from "./common/Types.sol";

/**
 * @title WorkingDayCalendar
 * @notice The authority-maintained working-day calendar (工作日) the chain counts statutory
 * periods in: a notice of N working days cannot end inside a holiday week.
 * @dev C04 (000 第十条(5)). One bit per day of the year in two 256-bit words per mask.
 */
contract WorkingDayCalendar is HubConsumer, IWorkingDayCalendar {
    /// @notice Longest period counted in one call (the profiles use at most 60 working days).
    uint256 public constant MAX_WORKING_DAYS = 366;
    /// @notice Years a schedule may be set for.
    uint16 public constant FIRST_YEAR = 2000;
    uint16 public constant LAST_YEAR = 2199;

    struct Year {
        uint256[2] rest; // bit d: day of year d rests
        uint256[2] work; // bit d: day of year d works although a weekend
        uint32 version; // 0: never set
    }

    mapping(uint16 year => Year) private _years;

    /// @param seeds the years the deployment's pinned calendar covers (each emits CalendarYearSet).
    constructor(IProvenantHub hub_, YearSchedule[] memory seeds) HubConsumer(hub_) {
        for (uint256 i = 0; i < seeds.length; ++i) {
            _setYear(seeds[i].year, seeds[i].restDays, seeds[i].workDays, seeds[i].noticeHash);
        }
    }

    /// @inheritdoc IWorkingDayCalendar
    function setYear(
        uint16 year,
        uint16[] calldata restDays,
        uint16[] calldata workDays,
        bytes32 noticeHash
    ) external onlyRole(DATA_AUTHORITY) {
        _setYear(year, restDays, workDays, noticeHash);
    }

    function _setYear(uint16 year, uint16[] memory restDays, uint16[] memory workDays, bytes32 noticeHash) private {
        if (year < FIRST_YEAR || year > LAST_YEAR) revert WorkingDayCalendarInvalidYear(year);
        if (noticeHash == bytes32(0)) revert WorkingDayCalendarZeroHash();
        uint256 length = DateMath.daysInYear(year);
        uint256[2] memory rest = _mask(year, restDays, length);
        uint256[2] memory work = _mask(year, workDays, length);
        // Ensure that a make-up working day is a weekend day (调休上班 moves work onto a weekend).
        for (uint256 i = 0; i < workDays.length; ++i) {
            uint256 weekday = DateMath.weekdayOf(year, workDays[i]);
            if (weekday != 0 && weekday != 6) revert WorkingDayCalendarWorkDayNotWeekend(year, workDays[i]);
        }
        // Ensure that the fixed-date statutory holidays rest (《全国年节及纪念日放假办法》, 2024).
        _requireRest(year, rest, 1, 1);
        _requireRest(year, rest, 5, 1);
        _requireRest(year, rest, 5, 2);
        _requireRest(year, rest, 10, 1);
        _requireRest(year, rest, 10, 2);
        _requireRest(year, rest, 10, 3);
        // Ensure that no day both rests and works.
        if ((rest[0] & work[0]) != 0 || (rest[1] & work[1]) != 0) {
            revert WorkingDayCalendarDayTwice(year, _firstCommon(rest, work));
        }
        Year storage y = _years[year];
        y.rest = rest;
        y.work = work;
        uint32 version = y.version + 1;
        y.version = version;
        emit CalendarYearSet(year, restDays, workDays, noticeHash, version, msg.sender);
    }

    /// @inheritdoc IWorkingDayCalendar
    function isSet(uint16 year) external view returns (bool) {
        return _years[year].version != 0;
    }

    /// @inheritdoc IWorkingDayCalendar
    function versionOf(uint16 year) external view returns (uint32) {
        return _years[year].version;
    }

    /// @inheritdoc IWorkingDayCalendar
    function isWorkingDay(uint256 day) public view returns (bool working, bool provisional) {
        (uint256 y, uint256 m, uint256 d, uint256 dayOfYear, uint256 weekday) = DateMath.civil(day);
        bool weekend = weekday == 0 || weekday == 6;
        Year storage yr = _years[uint16(y)];
        if (y > type(uint16).max || yr.version == 0) {
            // The provisional rule: weekends and the fixed-date statutory holidays rest.
            bool holiday = (m == 1 && d == 1) || (m == 5 && d <= 2) || (m == 10 && d <= 3);
            return (!weekend && !holiday, true);
        }
        uint256 word = dayOfYear >> 8;
        uint256 bit = 1 << (dayOfYear & 255);
        if (yr.work[word] & bit != 0) return (true, false);
        if (yr.rest[word] & bit != 0) return (false, false);
        return (!weekend, false);
    }

    /// @inheritdoc IWorkingDayCalendar
    function addWorkingDays(uint64 from, uint256 n) external view returns (uint64 endsAt, bool provisional) {
        if (n > MAX_WORKING_DAYS) revert WorkingDayCalendarTooManyWorkingDays(n, MAX_WORKING_DAYS);
        uint256 day = DateMath.chinaDay(from);
        uint256 left = n;
        // Ensure that the walk ends: no lawful schedule has fewer than one working day a week.
        uint256 lastDay = day + n * 7 + 31;
        while (left > 0) {
            ++day;
            if (day > lastDay) revert WorkingDayCalendarNoWorkingDays(from, n);
            (bool working, bool prov) = isWorkingDay(day);
            if (prov) provisional = true;
            if (working) --left;
        }
        endsAt = DateMath.chinaDayStart(day + 1);
    }

    /// @dev The bit mask of `dayList` (0-based days of `year`, strictly ascending, each < `length`).
    function _mask(uint16 year, uint16[] memory dayList, uint256 length) private pure returns (uint256[2] memory m) {
        for (uint256 i = 0; i < dayList.length; ++i) {
            uint16 dayOfYear = dayList[i];
            if (dayOfYear >= length) revert WorkingDayCalendarInvalidDay(year, dayOfYear);
            if (i > 0 && dayOfYear <= dayList[i - 1]) revert WorkingDayCalendarDaysNotAscending(year, dayOfYear);
            m[dayOfYear >> 8] |= 1 << (dayOfYear & 255);
        }
    }

    function _requireRest(uint16 year, uint256[2] memory rest, uint256 month, uint256 dayOfMonth) private pure {
        (uint256 index, ) = DateMath.dayOfYear(year, month, dayOfMonth);
        if (rest[index >> 8] & (1 << (index & 255)) == 0) revert WorkingDayCalendarStatutoryHolidayWorks(year, uint16(index));
    }

    function _firstCommon(uint256[2] memory a, uint256[2] memory b) private pure returns (uint16) {
        for (uint256 w = 0; w < 2; ++w) {
            uint256 both = a[w] & b[w];
            if (both == 0) continue;
            for (uint256 i = 0; i < 256; ++i) {
                if (both & (1 << i) != 0) return uint16(w * 256 + i);
            }
        }
        return 0;
    }
}
