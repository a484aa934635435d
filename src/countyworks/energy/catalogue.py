"""The standard devices and measurement points of each station kind (docs/rules/storage-monitoring.md §3).

GB/T 42726-2023 (电化学储能电站监控系统技术规范) and DL/T 1989-2019 describe which quantities a
storage station's monitoring system acquires; their tables are not public, so the point list below
follows our summary by level (docs/rules/storage-monitoring.md §3): grid connection, PCS, battery cluster (BMS), cell extremes,
auxiliaries; and for generators the turbine, inverter and unit points. A station created from a
template gets these devices and points; codes are the keys gateways use in the payload. Names are
data (stored with each point and editable), not interface strings.
"""

from __future__ import annotations

from dataclasses import dataclass

from countyworks.energy.models import DeviceKind, Quantity, StationKind, ValueType


@dataclass(frozen=True)
class PointTemplate:
    code: str
    name: str
    quantity: str
    unit: str = ""
    value_type: str = ValueType.FLOAT
    valid_min: float | None = None
    valid_max: float | None = None
    #: Scale the valid range by the device's rated power in kW (e.g. ±1.5 × rated for P).
    per_rated_kw: bool = False


@dataclass(frozen=True)
class DeviceTemplate:
    kind: str
    code: str
    name: str
    count: int = 1
    #: Nominal sampling period of its points [s] (the payload's ``period_s`` overrides it).
    sample_seconds: int = 1


def _power(code: str, name: str, quantity: str = Quantity.ACTIVE_POWER, unit: str = "kW") -> PointTemplate:
    return PointTemplate(code, name, quantity, unit, valid_min=-1.5, valid_max=1.5, per_rated_kw=True)


STATE = PointTemplate("state", "运行状态", Quantity.STATE, "", ValueType.INT, 0, 15)
ALARM_BITS = PointTemplate("alarm_bits", "告警位", Quantity.ALARM_BITS, "", ValueType.BITS, 0, 2**32 - 1)

POINTS: dict[str, tuple[PointTemplate, ...]] = {
    DeviceKind.GRID_METER: (
        _power("P_kW", "并网点有功功率"),
        _power("Q_kvar", "并网点无功功率", Quantity.REACTIVE_POWER, "kvar"),
        PointTemplate("U_kV", "并网点线电压", Quantity.VOLTAGE, "kV", valid_min=0, valid_max=550),
        PointTemplate("I_A", "并网点电流", Quantity.CURRENT, "A", valid_min=0, valid_max=20000),
        PointTemplate("f_Hz", "频率", Quantity.FREQUENCY, "Hz", valid_min=45, valid_max=55),
        PointTemplate("PF", "功率因数", Quantity.POWER_FACTOR, "", valid_min=-1, valid_max=1),
        PointTemplate("E_exp_kWh", "上网电量累计", Quantity.ENERGY, "kWh", valid_min=0),
        PointTemplate("E_imp_kWh", "下网电量累计", Quantity.ENERGY, "kWh", valid_min=0),
    ),
    DeviceKind.PCS: (
        _power("P_kW", "交流有功功率"),
        _power("Q_kvar", "交流无功功率", Quantity.REACTIVE_POWER, "kvar"),
        PointTemplate("U_dc_V", "直流电压", Quantity.VOLTAGE, "V", valid_min=0, valid_max=1600),
        PointTemplate("I_dc_A", "直流电流", Quantity.CURRENT, "A", valid_min=-5000, valid_max=5000),
        PointTemplate("T_igbt_C", "IGBT 温度", Quantity.TEMPERATURE, "°C", valid_min=-40, valid_max=150),
        PointTemplate("T_cab_C", "柜内温度", Quantity.TEMPERATURE, "°C", valid_min=-40, valid_max=100),
        STATE,
        ALARM_BITS,
    ),
    DeviceKind.BMS: (
        PointTemplate("U_V", "簇电压", Quantity.VOLTAGE, "V", valid_min=0, valid_max=1600),
        PointTemplate("I_A", "簇电流", Quantity.CURRENT, "A", valid_min=-2000, valid_max=2000),
        PointTemplate("SOC_pct", "簇 SOC", Quantity.SOC, "%", valid_min=0, valid_max=100),
        PointTemplate("SOH_pct", "簇 SOH", Quantity.SOH, "%", valid_min=0, valid_max=100),
        _power("P_chg_max_kW", "允许充电功率", Quantity.OTHER),
        _power("P_dis_max_kW", "允许放电功率", Quantity.OTHER),
        PointTemplate("R_iso_kohm", "绝缘电阻", Quantity.RESISTANCE, "kΩ", valid_min=0, valid_max=100000),
        ALARM_BITS,
    ),
    DeviceKind.CELLS: (
        PointTemplate("V_max_V", "单体最高电压", Quantity.VOLTAGE, "V", valid_min=0, valid_max=5),
        PointTemplate("V_min_V", "单体最低电压", Quantity.VOLTAGE, "V", valid_min=0, valid_max=5),
        PointTemplate("T_max_C", "单体最高温度", Quantity.TEMPERATURE, "°C", valid_min=-40, valid_max=120),
        PointTemplate("T_min_C", "单体最低温度", Quantity.TEMPERATURE, "°C", valid_min=-40, valid_max=120),
        PointTemplate("V_max_pos", "最高电压单体位置", Quantity.POSITION, "", ValueType.INT, 0, 100000),
        PointTemplate("T_max_pos", "最高温度单体位置", Quantity.POSITION, "", ValueType.INT, 0, 100000),
    ),
    DeviceKind.AUXILIARY: (
        PointTemplate("hvac_on", "空调运行", Quantity.STATE, "", ValueType.BOOL),
        PointTemplate("fire_alarm", "消防告警", Quantity.STATE, "", ValueType.BOOL),
        PointTemplate("door_open", "门禁开启", Quantity.STATE, "", ValueType.BOOL),
        PointTemplate("T_room_C", "舱内温度", Quantity.TEMPERATURE, "°C", valid_min=-40, valid_max=80),
    ),
    DeviceKind.EMS: (
        PointTemplate("SOC_pct", "全站 SOC", Quantity.SOC, "%", valid_min=0, valid_max=100),
        PointTemplate("SOH_pct", "全站 SOH", Quantity.SOH, "%", valid_min=0, valid_max=100),
        _power("P_set_kW", "调度有功指令", Quantity.SETPOINT),
        _power("P_chg_max_kW", "全站允许充电功率", Quantity.OTHER),
        _power("P_dis_max_kW", "全站允许放电功率", Quantity.OTHER),
    ),
    DeviceKind.TURBINE: (
        _power("P_kW", "机组有功功率"),
        PointTemplate("wind_ms", "机舱风速", Quantity.WIND_SPEED, "m/s", valid_min=0, valid_max=80),
        PointTemplate("rotor_rpm", "风轮转速", Quantity.ROTOR_SPEED, "rpm", valid_min=0, valid_max=40),
        STATE,
        ALARM_BITS,
    ),
    DeviceKind.MET_MAST: (
        PointTemplate("wind_ms", "轮毂高度风速", Quantity.WIND_SPEED, "m/s", valid_min=0, valid_max=80),
        PointTemplate("wind_dir_deg", "风向", Quantity.WIND_DIRECTION, "°", valid_min=0, valid_max=360),
        PointTemplate("T_air_C", "气温", Quantity.TEMPERATURE, "°C", valid_min=-40, valid_max=60),
    ),
    DeviceKind.INVERTER: (
        _power("P_kW", "交流有功功率"),
        _power("P_dc_kW", "直流功率", Quantity.OTHER),
        PointTemplate("irr_Wm2", "斜面辐照度", Quantity.IRRADIANCE, "W/m²", valid_min=0, valid_max=1600),
        PointTemplate("T_mod_C", "组件温度", Quantity.TEMPERATURE, "°C", valid_min=-40, valid_max=100),
        STATE,
        ALARM_BITS,
    ),
    DeviceKind.GENERATOR: (
        _power("P_kW", "机组有功功率"),
        _power("Q_kvar", "机组无功功率", Quantity.REACTIVE_POWER, "kvar"),
        PointTemplate("fuel_t_h", "入炉燃料量", Quantity.FUEL, "t/h", valid_min=0, valid_max=500),
        STATE,
    ),
}

#: Device layout per station kind: {station kind: (templates…)}; ``count`` may be overridden.
STATION_DEVICES: dict[str, tuple[DeviceTemplate, ...]] = {
    StationKind.STORAGE: (
        DeviceTemplate(DeviceKind.GRID_METER, "meter", "并网点", sample_seconds=1),
        DeviceTemplate(DeviceKind.EMS, "ems", "能量管理系统", sample_seconds=1),
        DeviceTemplate(DeviceKind.PCS, "pcs", "PCS", count=4, sample_seconds=5),
        DeviceTemplate(DeviceKind.BMS, "bms", "电池簇", count=4, sample_seconds=5),
        DeviceTemplate(DeviceKind.CELLS, "cells", "单体极值", sample_seconds=5),
        DeviceTemplate(DeviceKind.AUXILIARY, "aux", "辅助系统", sample_seconds=5),
    ),
    StationKind.WIND: (
        DeviceTemplate(DeviceKind.GRID_METER, "meter", "升压站并网点", sample_seconds=1),
        DeviceTemplate(DeviceKind.MET_MAST, "mast", "测风塔", sample_seconds=5),
        DeviceTemplate(DeviceKind.TURBINE, "wtg", "风机", count=4, sample_seconds=5),
    ),
    StationKind.PV_GROUND: (
        DeviceTemplate(DeviceKind.GRID_METER, "meter", "并网点", sample_seconds=1),
        DeviceTemplate(DeviceKind.INVERTER, "inv", "逆变器", count=4, sample_seconds=5),
    ),
    StationKind.BIOMASS: (
        DeviceTemplate(DeviceKind.GRID_METER, "meter", "并网点", sample_seconds=1),
        DeviceTemplate(DeviceKind.GENERATOR, "unit", "机组", count=1, sample_seconds=5),
    ),
}
STATION_DEVICES[StationKind.PV_FISHERY] = STATION_DEVICES[StationKind.PV_GROUND]
STATION_DEVICES[StationKind.PV_ROOFTOP] = (
    DeviceTemplate(DeviceKind.GRID_METER, "meter", "聚合计量", sample_seconds=1),
)
STATION_DEVICES[StationKind.HYDRO] = STATION_DEVICES[StationKind.BIOMASS]


def device_codes(template: DeviceTemplate, count: int | None = None) -> list[tuple[str, str]]:
    """(code, name) of each device a template creates: ``pcs01``… when there are several."""
    n = template.count if count is None else count
    if n == 1:
        return [(template.code, template.name)]
    return [(f"{template.code}{i:02d}", f"{template.name} {i:02d}") for i in range(1, n + 1)]
