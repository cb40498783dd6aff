// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/**
 * @title DateMath
 * @notice Calendar arithmetic for statutory terms ("不超过3年"): adds whole years to a moment in
 * China Standard Time (UTC+8), so that a 3-year term starting 2025-03-01 ends 2028-03-01, not
 * "3 * 365 days" later. 29 February plus N years lands on 28 February in a common year.
 * @dev Civil-date conversion after the proleptic Gregorian algorithm of Howard Hinnant
 * ("chrono-compatible low-level date algorithms"), re-derived here for unsigned integers.
 */
library DateMath {
    uint256 private constant _DAY = 86_400;
    /// @dev China Standard Time is UTC+8 with no daylight saving.
    uint256 private constant _CST_OFFSET = 8 hours;
    /// @dev Days from 0000-03-01 to 1970-01-01 in the shifted era calendar.
    uint256 private constant _EPOCH_SHIFT = 719_468;

    /// @notice `timestamp` plus `yearCount` calendar years, keeping the time of day (UTC+8).
    function addYears(uint64 timestamp, uint256 yearCount) internal pure returns (uint64) {
        uint256 local = uint256(timestamp) + _CST_OFFSET;
        uint256 secondsOfDay = local % _DAY;
        (uint256 y, uint256 m, uint256 d) = _civilFromDays(local / _DAY);
        y += yearCount;
        if (m == 2 && d == 29 && !_isLeap(y)) d = 28;
        uint256 shifted = _daysFromCivil(y, m, d) * _DAY + secondsOfDay;
        return uint64(shifted - _CST_OFFSET);
    }

    /// @notice The China-local day number (days since 1970-01-01 in UTC+8) of `timestamp`.
    function chinaDay(uint64 timestamp) internal pure returns (uint256) {
        return (uint256(timestamp) + _CST_OFFSET) / _DAY;
    }

    /// @notice The first instant (UTC+8 midnight) of China-local day `day`.
    function chinaDayStart(uint256 day) internal pure returns (uint64) {
        return uint64(day * _DAY - _CST_OFFSET);
    }

    /// @notice Year, month (1-12), day of month (1-31), day of year (0-based) and weekday
    /// (0 Sunday .. 6 Saturday) of China-local day `day`.
    function civil(uint256 day) internal pure returns (uint256 y, uint256 m, uint256 d, uint256 yearDay, uint256 weekday) {
        (y, m, d) = _civilFromDays(day);
        yearDay = day - _daysFromCivil(y, 1, 1);
        weekday = (day + 4) % 7; // 1970-01-01 was a Thursday
    }

    /// @notice The 0-based day of the year of `y`-`m`-`d`, and its weekday (0 Sunday .. 6 Saturday).
    function dayOfYear(uint256 y, uint256 m, uint256 d) internal pure returns (uint256 index, uint256 weekday) {
        uint256 day = _daysFromCivil(y, m, d);
        index = day - _daysFromCivil(y, 1, 1);
        weekday = (day + 4) % 7;
    }

    /// @notice The weekday (0 Sunday .. 6 Saturday) of the 0-based day `index` of year `y`.
    function weekdayOf(uint256 y, uint256 index) internal pure returns (uint256) {
        return (_daysFromCivil(y, 1, 1) + index + 4) % 7;
    }

    /// @notice Number of days in year `y` (365 or 366).
    function daysInYear(uint256 y) internal pure returns (uint256) {
        return _isLeap(y) ? 366 : 365;
    }

    function _isLeap(uint256 y) private pure returns (bool) {
        return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    }

    function _civilFromDays(uint256 z) private pure returns (uint256 y, uint256 m, uint256 d) {
        z += _EPOCH_SHIFT;
        uint256 era = z / 146_097;
        uint256 doe = z - era * 146_097; // [0, 146096]
        uint256 yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
        uint256 doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
        uint256 mp = (5 * doy + 2) / 153; // [0, 11], March-based month
        d = doy - (153 * mp + 2) / 5 + 1;
        m = mp < 10 ? mp + 3 : mp - 9;
        y = yoe + era * 400 + (m <= 2 ? 1 : 0);
    }

    function _daysFromCivil(uint256 y, uint256 m, uint256 d) private pure returns (uint256) {
        if (m <= 2) y -= 1;
        uint256 era = y / 400;
        uint256 yoe = y - era * 400;
        uint256 mp = m > 2 ? m - 3 : m + 9;
        uint256 doy = (153 * mp + 2) / 5 + d - 1;
        uint256 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146_097 + doe - _EPOCH_SHIFT;
    }
}
