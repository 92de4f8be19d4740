#!/usr/bin/env python3
"""Generate the district configs: configs/zhongliangshan (the sample district) and configs/minimal.

Run `python configs/generate.py` from anywhere; it rewrites both directories. The output is fully
deterministic (every random choice uses a fixed seed), so a re-run without code changes gives
byte-identical files. Edit the tables below, never the generated YAML.

Map coordinates: the district's map is normalised to 0-1 (x east, y south) over the bounding box
lon 106.40-106.50, lat 29.47-29.55. Grid polygons tile that square without overlap; every device
gets a lon/lat and its grid is the grid whose polygon contains that point.
"""

from __future__ import annotations

import itertools
import math
import random
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent

# The data tables below are laid out by hand for reading; keep the formatter off them.
# fmt: off

LON0, LON_SPAN = 106.40, 0.10  # x = (lon - LON0) / LON_SPAN
LAT0, LAT_SPAN = 29.55, 0.08  # y = (LAT0 - lat) / LAT_SPAN
# Written into organisation.yaml so the ops map and clue locations use the same box.
MAP_BOX = {
    "lon_min": LON0,
    "lon_max": round(LON0 + LON_SPAN, 6),
    "lat_min": round(LAT0 - LAT_SPAN, 6),
    "lat_max": LAT0,
}
KM_X, KM_Y = 9.7, 8.9  # km per unit of normalised x / y (for road stake numbers)

VTEST = "../../media/vtest.avi"
STILLS = ["../../media/dog.jpg", "../../media/person.jpg", "../../media/kite.jpg",
          "../../media/horses.jpg"]

# --------------------------------------------------------------------------- organisation tables

DISTRICT = "中梁山街道"
BRIGADE = {"id": "brigade", "name": "中梁山街道综合行政执法大队", "duty_officer": "刘建国"}

# id, name, speciality, leader, patrol communities (empty = whole district)
SQUADS = [
    ("sq-traffic", "交通秩序小队", "机动车占道、违法停车、车辆逆行、大货车限行", "陈志强", []),
    ("sq-appearance", "市容秩序小队", "占道经营、非机动车乱停放、遗留物品、市容环境", "王秀英", []),
    ("sq-construction", "违法建设治理小队", "违法建设、违规装修、农房违建巡查", "张德华", []),
    ("sq-environment", "生态环境小队", "水质异常、噪声扰民、大气与固废污染", "李海波", []),
    ("sq-river", "河道巡查小队", "跳磴河巡河、水位预警、人员涉水、河道漂浮物", "杨光明",
     ["c01", "c05", "c10", "c11", "c12"]),
    ("sq-fire", "消防安全小队", "消防通道占用、火灾隐患排查", "赵永刚", []),
    ("sq-market", "市场监管小队", "农贸市场及周边经营秩序", "周丽华",
     ["c02", "c03", "c07", "c08", "c09", "c12"]),
    ("sq-scenic", "景区管理小队", "华岩旅游风景区客流、秩序与安全", "黄文杰", ["c01"]),
    ("sq-emergency", "应急处置小队", "强降雨、山洪、地质灾害等突发事件先期处置", "吴国平", []),
]

# id, name, kind, short name (river reaches), layout column, layout row, number of grids.
# Layout: the district is a 4 x 3 block of community regions; the west is 中梁山 (villages),
# the east the built-up area, 跳磴河 runs across the south, 华岩 scenic area in c01.
COMMUNITIES = [
    ("c01", "华岩村", "village", "华岩", 1, 2, 10),
    ("c02", "中梁山社区", "urban", "中梁山", 1, 0, 11),
    ("c03", "华福社区", "urban", "华福", 3, 0, 10),
    ("c04", "梁山村", "village", "梁山", 0, 0, 10),
    ("c05", "龙泉村", "village", "龙泉", 0, 1, 10),
    ("c06", "协兴村", "village", "协兴", 1, 1, 10),
    ("c07", "华岩新城社区", "urban", "华岩新城", 3, 1, 11),
    ("c08", "建设社区", "urban", "建设", 2, 0, 10),
    ("c09", "石桥社区", "urban", "石桥", 2, 1, 10),
    ("c10", "跳磴村", "village", "跳磴", 2, 2, 10),
    ("c11", "新发村", "village", "新发", 0, 2, 10),
    ("c12", "田坝社区", "urban", "田坝", 3, 2, 10),
]
LAYOUT_COLS, LAYOUT_ROWS = 4, 3
CELLS_X, CELLS_Y = 5, 2  # lattice cells per community region
SPLIT_CELL = 2  # in an 11-grid community this cell is cut in two

SCENES = [
    ("scenic", "华岩旅游风景区",
     "华岩寺及华岩湖景区：大客流、人员聚集与徘徊、遗留物品、游客进入危险区域。"),
    ("river", "跳磴河生态走廊",
     "跳磴河中梁山段河道及滨河步道：水位、水质、人员涉水与岸线安全。"),
]

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余"
            "杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范廖")
GIVEN_NAMES = ["建华", "秀兰", "志勇", "春梅", "德明", "晓燕", "国强", "丽娟", "明亮", "红梅",
               "文斌", "小琴", "永福", "桂芳", "海涛", "玉兰", "光荣", "淑芬", "家富", "雪梅",
               "成", "静", "军", "敏", "华", "芳", "涛", "婷", "刚", "艳", "平", "霞"]

# --------------------------------------------------------------------------- map features

RIVER = [(0.02, 0.58), (0.12, 0.66), (0.22, 0.74), (0.32, 0.80), (0.42, 0.84), (0.52, 0.83),
         (0.62, 0.86), (0.72, 0.90), (0.84, 0.88), (0.98, 0.93)]
SCENIC_CENTRE, SCENIC_RADIUS = (0.38, 0.77), 0.045

ROADS = {
    "华岩大道": [(0.60, 0.02), (0.62, 0.30), (0.60, 0.52), (0.52, 0.70), (0.47, 0.98)],
    "华福路": [(0.30, 0.30), (0.62, 0.30), (0.98, 0.27)],
    "华龙大道": [(0.05, 0.50), (0.35, 0.53), (0.60, 0.52), (0.98, 0.49)],
    "建设路": [(0.70, 0.05), (0.72, 0.29), (0.74, 0.62)],
    "石桥路": [(0.50, 0.42), (0.98, 0.40)],
    "中梁山路": [(0.05, 0.05), (0.18, 0.20), (0.30, 0.30)],
    "梁山路": [(0.02, 0.18), (0.18, 0.20)],
    "龙泉路": [(0.12, 0.35), (0.14, 0.51), (0.12, 0.62)],
    "协兴路": [(0.38, 0.36), (0.37, 0.53), (0.36, 0.64)],
    "华岩新城大道": [(0.88, 0.35), (0.87, 0.50), (0.86, 0.64)],
    "华岩寺路": [(0.38, 0.70), (0.52, 0.70)],
    "田坝路": [(0.48, 0.88), (0.70, 0.80), (0.95, 0.78)],
    "田坝货运路": [(0.80, 0.79), (0.90, 0.88), (0.97, 0.97)],
}

# name, x, y, directions watched (one camera each)
JUNCTIONS = [
    ("华福路与华岩大道交叉口", 0.620, 0.300, "东西南北"),
    ("华龙大道与华岩大道交叉口", 0.600, 0.520, "东西南北"),
    ("华福路与建设路交叉口", 0.720, 0.290, "东西南北"),
    ("华龙大道与建设路交叉口", 0.737, 0.505, "东西南北"),
    ("石桥路与建设路交叉口", 0.731, 0.412, "东西南北"),
    ("华岩寺路与华岩大道交叉口", 0.520, 0.700, "东西北"),
    ("中梁山路与华福路交叉口", 0.300, 0.300, "东西南"),
    ("梁山路与中梁山路交叉口", 0.180, 0.200, "东北"),
    ("龙泉路与华龙大道交叉口", 0.140, 0.509, "东西南"),
    ("协兴路与华龙大道交叉口", 0.370, 0.529, "东西南北"),
    ("华岩新城大道与华龙大道交叉口", 0.870, 0.499, "东西南北"),
    ("石桥路与华岩新城大道交叉口", 0.878, 0.405, "西南北"),
    ("田坝路与华岩大道交叉口", 0.488, 0.880, "东南北"),
    ("田坝路与田坝货运路交叉口", 0.800, 0.792, "东西南"),
]

SCENIC_SPOTS = ["华岩寺大雄宝殿侧门", "华岩寺放生池", "华岩湖环湖步道东段", "华岩湖环湖步道西段",
                "景区游客中心", "景区2号停车场", "华岩寺观景台", "景区南大门", "景区北门",
                "华岩文化广场", "华岩寺藏经楼", "景区步行街"]

VILLAGE_SPOTS = ["村委会门口", "村便民服务中心", "一组路口", "二组院坝", "三组聚居点", "村道入口",
                 "农家乐集中区", "垃圾收集点", "山坪塘", "林区防火卡口", "农房安置点"]
URBAN_SPOTS = ["社区服务中心", "农贸市场入口", "小学门口", "幼儿园门口", "公交站台", "商业街口",
               "老旧小区入口", "健身广场", "消防通道口", "停车场入口", "生鲜超市门口"]

CAMERA_MAKES = ["Hikvision DS-2CD3T47", "Dahua IPC-HFW2431", "Uniview IPC2124"]
PTZ_MAKE = "Hikvision DS-2DE4425IW"
AI_MAKE = "Hikvision iDS-2CD7A46G0"
RTSP_PATHS = {
    "Hikvision": "/Streaming/Channels/101",
    "Dahua": "/cam/realmonitor?channel=1&subtype=0",
    "Uniview": "/media/video1",
}
SENSOR_MAKES = {
    "water_level": ["VEGAPULS C 21", "Keller PR-36XW"],
    "water_quality": ["Hach Solitax sc", "YSI EXO2"],
    "rainfall": ["Campbell TE525MM", "Davis 7852M"],
}

# --------------------------------------------------------------------------- camera zones

ZONE_TEMPLATES = {
    "lane": ("lane-1", "机动车道", [[0.35, 0.40], [0.65, 0.40], [0.85, 1.0], [0.15, 1.0]]),
    "no_parking": ("no-park-1", "路侧禁停区", [[0.0, 0.6], [0.2, 0.6], [0.15, 1.0], [0.0, 1.0]]),
    "road": ("road-1", "货车限行路段", [[0.1, 0.35], [0.9, 0.35], [1.0, 1.0], [0.0, 1.0]]),
    "fire_lane": ("fire-lane-1", "消防通道", [[0.3, 0.3], [0.7, 0.3], [0.75, 1.0], [0.25, 1.0]]),
    "non_motor_parking": ("non-motor-1", "非机动车管控区",
                          [[0.0, 0.5], [0.25, 0.5], [0.25, 0.9], [0.0, 0.9]]),
    "sidewalk": ("sidewalk-1", "人行道", [[0.55, 0.5], [1.0, 0.5], [1.0, 1.0], [0.6, 1.0]]),
    "river": ("river-1", "水域", [[0.0, 0.55], [1.0, 0.45], [1.0, 1.0], [0.0, 1.0]]),
    "river_bank": ("bank-1", "河岸警戒带", [[0.0, 0.35], [1.0, 0.25], [1.0, 0.45], [0.0, 0.55]]),
    "square": ("square-1", "广场", [[0.05, 0.3], [0.95, 0.3], [0.95, 0.95], [0.05, 0.95]]),
    "restricted": ("restricted-1", "禁入区", [[0.6, 0.2], [0.95, 0.2], [0.95, 0.6], [0.6, 0.6]]),
}

# bundle: (algorithms, zone kinds); lane zones carry a lawful direction for wrong-way driving
BUNDLES = {
    "junction": (["lane_occupation", "wrong_way_driving", "illegal_parking"],
                 ["lane", "no_parking"]),
    "lane": (["lane_occupation", "illegal_parking"], ["lane", "no_parking"]),
    "truck": (["heavy_truck_restricted", "wrong_way_driving"], ["road", "lane"]),
    "truck_only": (["heavy_truck_restricted"], ["road"]),
    "fire": (["fire_lane_occupation", "non_motor_disorder"], ["fire_lane", "non_motor_parking"]),
    "street": (["street_vending", "non_motor_disorder", "abandoned_object"],
               ["sidewalk", "non_motor_parking"]),
    "market": (["street_vending", "illegal_parking"], ["sidewalk", "no_parking"]),
    "village": (["illegal_parking", "non_motor_disorder"], ["no_parking", "non_motor_parking"]),
    "school": (["illegal_parking", "crowd_gathering"], ["no_parking", "square"]),
    "river": (["person_in_water", "area_intrusion", "loitering"], ["river", "river_bank"]),
    "lake": (["person_in_water", "loitering", "area_intrusion"], ["river", "river_bank"]),
    "scenic_square": (["crowd_gathering", "loitering", "abandoned_object"], ["square"]),
    "scenic_restricted": (["area_intrusion", "loitering"], ["restricted"]),
}
LANE_DIRECTIONS = [[0.0, 1.0], [0.0, -1.0], [1.0, 0.0], [-1.0, 0.0]]

# The 42 AI cameras that analyse still images: name, x, y, scene, bundle (commented by community)
AI_STILL_CAMERAS = [
    # c08 建设社区
    ("华福路与建设路交叉口(北向)", 0.720, 0.292, None, "junction"),
    ("建设路建设小学门口", 0.705, 0.150, None, "school"),
    ("建设社区老旧小区消防通道", 0.560, 0.200, None, "fire"),
    # c03 华福社区
    ("华福路华福社区段", 0.850, 0.285, None, "lane"),
    ("华福社区农贸市场", 0.900, 0.150, None, "market"),
    ("华福社区高层小区消防通道", 0.800, 0.100, None, "fire"),
    # c02 中梁山社区
    ("中梁山路与华福路交叉口(东向)", 0.305, 0.300, None, "junction"),
    ("中梁山社区菜市场", 0.400, 0.180, None, "street"),
    ("中梁山社区煤矿宿舍区消防通道", 0.300, 0.100, None, "fire"),
    # c04 梁山村
    ("梁山路与中梁山路交叉口(东向)", 0.182, 0.200, None, "truck"),
    ("梁山村便民服务中心", 0.080, 0.250, None, "village"),
    # c05 龙泉村
    ("龙泉路与华龙大道交叉口(北向)", 0.140, 0.507, None, "junction"),
    ("跳磴河龙泉段源头", 0.060, 0.600, "river", "river"),
    ("龙泉村村委会", 0.100, 0.400, None, "village"),
    # c06 协兴村
    ("协兴路货车限行卡口", 0.380, 0.450, None, "truck_only"),
    ("协兴村便民服务中心", 0.300, 0.600, None, "village"),
    ("华龙大道协兴段", 0.450, 0.525, None, "lane"),
    # c09 石桥社区
    ("华龙大道与华岩大道交叉口(西向)", 0.598, 0.520, None, "junction"),
    ("石桥社区农贸市场", 0.650, 0.420, None, "market"),
    ("石桥小学门口", 0.700, 0.600, None, "school"),
    ("建设路石桥社区消防通道", 0.720, 0.450, None, "fire"),
    # c07 华岩新城社区
    ("华岩新城大道与华龙大道交叉口(南向)", 0.870, 0.501, None, "junction"),
    ("华岩新城商业综合体消防通道", 0.920, 0.420, None, "fire"),
    ("华岩新城大道人行道", 0.865, 0.600, None, "street"),
    ("石桥路华岩新城段", 0.800, 0.400, None, "truck"),
    # c01 华岩村 (scenic area and river)
    ("华岩寺山门", 0.370, 0.740, "scenic", "scenic_square"),
    ("华岩寺后山禁入区", 0.400, 0.700, "scenic", "scenic_restricted"),
    ("华岩湖亲水平台", 0.330, 0.770, "scenic", "lake"),
    ("华岩寺景区停车场入口", 0.420, 0.720, "scenic", "lane"),
    ("跳磴河华岩桥南岸", 0.420, 0.855, "river", "river"),
    ("华岩村村委会", 0.300, 0.920, None, "village"),
    # c10 跳磴村
    ("华岩寺路与华岩大道交叉口(西向)", 0.518, 0.700, None, "junction"),
    ("跳磴河跳磴段北岸", 0.600, 0.840, "river", "river"),
    ("跳磴村便民服务中心", 0.680, 0.730, None, "village"),
    ("田坝路跳磴段", 0.650, 0.818, None, "truck"),
    # c11 新发村
    ("跳磴河新发桥北岸", 0.215, 0.722, "river", "river"),
    ("新发村工业园区路口", 0.100, 0.850, None, "truck_only"),
    ("新发村便民服务中心", 0.200, 0.900, None, "village"),
    # c12 田坝社区 (the 田坝货运路 camera stands in fringe grid g121: see the plan gap)
    ("田坝货运路K1+300", 0.925, 0.912, None, "truck_only"),
    ("跳磴河田坝段南岸", 0.840, 0.895, "river", "river"),
    ("田坝社区物流园消防通道", 0.800, 0.720, None, "fire"),
    ("田坝路田坝社区段", 0.900, 0.785, None, "lane"),
]

# cam-0001 .. cam-0007 play the sample video. cam-0001's zones match the parked van in it.
CAM1_ZONES = [
    {"id": "lane-east", "name": "东向车道", "kind": "lane",
     "polygon": [[0.80, 0.03], [0.95, 0.03], [0.95, 0.24], [0.80, 0.24]]},
    {"id": "no-park-kerb", "name": "路侧禁停区", "kind": "no_parking",
     "polygon": [[0.0, 0.55], [0.3, 0.55], [0.3, 1.0], [0.0, 1.0]]},
]
VTEST_ZONES = {
    "square": ("square-1", "广场", [[0.0, 0.25], [1.0, 0.25], [1.0, 1.0], [0.0, 1.0]]),
    "restricted": ("restricted-1", "禁入区", [[0.0, 0.0], [0.3, 0.0], [0.3, 0.3], [0.0, 0.3]]),
    "sidewalk": ("sidewalk-1", "人行道", [[0.0, 0.7], [1.0, 0.7], [1.0, 1.0], [0.0, 1.0]]),
    "river_bank": ("bank-1", "河岸警戒带", [[0.0, 0.4], [1.0, 0.4], [1.0, 1.0], [0.0, 1.0]]),
}
# name, x, y, scene, algorithms, zone kinds
VTEST_CAMERAS = [
    ("华岩寺大雄宝殿前广场", 0.385, 0.760, "scenic",
     ["crowd_gathering", "loitering", "area_intrusion"], ["square", "restricted"]),
    ("中梁山社区文化广场", 0.420, 0.250, None,
     ["crowd_gathering", "abandoned_object", "street_vending"], ["square", "sidewalk"]),
    ("跳磴河华岩段滨河步道", 0.470, 0.826, "river",
     ["area_intrusion", "loitering"], ["river_bank"]),
    ("华岩新城商业步行街", 0.950, 0.550, None,
     ["street_vending", "abandoned_object"], ["sidewalk", "square"]),
    ("华岩湖游客集散广场", 0.355, 0.790, "scenic",
     ["crowd_gathering", "abandoned_object", "loitering"], ["square", "restricted"]),
    ("华福社区邻里中心广场", 0.930, 0.220, None,
     ["crowd_gathering", "area_intrusion"], ["square", "restricted"]),
]
CAM1 = ("华福路与华岩大道交叉口(东向)", 0.623, 0.300)

N_CAMERAS = 280
N_RIVER_CAMERAS = 16  # plain (non-AI) cameras along 跳磴河
N_WATER_LEVEL, N_WATER_QUALITY = 30, 20

# community, grid number within the community (1-based), site name of the rain gauge
RAIN_GAUGES = [
    ("c01", 3, "华岩村后山雨量站"), ("c01", 9, "华岩村二组雨量站"),
    ("c02", 5, "中梁山社区雨量站"), ("c03", 4, "华福社区雨量站"),
    ("c04", 1, "梁山村山顶雨量站"), ("c04", 7, "梁山村水库雨量站"),
    ("c05", 2, "龙泉村龙泉洞雨量站"), ("c05", 8, "龙泉村三组雨量站"),
    ("c06", 3, "协兴村雨量站"), ("c06", 9, "协兴村林场雨量站"),
    ("c07", 6, "华岩新城社区雨量站"), ("c08", 2, "建设社区雨量站"),
    ("c09", 7, "石桥社区雨量站"), ("c10", 4, "跳磴村雨量站"),
    ("c10", 8, "跳磴村河湾雨量站"), ("c11", 1, "新发村山坪塘雨量站"),
    ("c11", 6, "新发村雨量站"), ("c11", 10, "新发村工业园雨量站"),
    ("c12", 3, "田坝社区雨量站"), ("c12", 9, "田坝物流园雨量站"),
]

# --------------------------------------------------------------------------- algorithms

# id, zh-CN name, kind, severity, quantity
ALGORITHMS = [
    ("lane_occupation", "机动车占道", "vision", "minor", None),
    ("illegal_parking", "违法停车", "vision", "minor", None),
    ("fire_lane_occupation", "占用消防通道", "vision", "major", None),
    ("non_motor_disorder", "非机动车乱停放", "vision", "minor", None),
    ("area_intrusion", "区域入侵", "vision", "major", None),
    ("crowd_gathering", "人员聚集", "vision", "major", None),
    ("loitering", "人员徘徊", "vision", "minor", None),
    ("wrong_way_driving", "车辆逆行", "vision", "major", None),
    ("heavy_truck_restricted", "大货车违规通行", "vision", "major", None),
    ("street_vending", "占道经营", "vision", "minor", None),
    ("person_in_water", "人员涉水", "vision", "critical", None),
    ("abandoned_object", "遗留物品", "vision", "minor", None),
    ("water_level", "河道水位超警", "sensor", "major", "water_level"),
    ("water_quality", "水质异常", "sensor", "major", "water_quality"),
    ("rainfall", "强降雨预警", "sensor", "major", "rainfall"),
]
ALGORITHM_PARAMS = {"lane_occupation": {"dwell_s": 20, "min_confidence": 0.3, "max_gap_s": 30}}
# Algorithms whose events a duty officer confirms on the alert wall before they are dispatched:
# person-based rules with many look-alikes (queues, strollers, anglers, parked stalls).
ALGORITHM_REVIEW = {"loitering", "street_vending", "abandoned_object", "crowd_gathering"}
# zone kinds each vision algorithm works on (a camera running it needs at least one of them)
ALGORITHM_ZONES = {
    "lane_occupation": {"lane"},
    "illegal_parking": {"no_parking"},
    "fire_lane_occupation": {"fire_lane"},
    "non_motor_disorder": {"non_motor_parking", "sidewalk"},
    "area_intrusion": {"restricted", "river_bank"},
    "crowd_gathering": {"square"},
    "loitering": {"restricted", "river_bank", "square"},
    "wrong_way_driving": {"lane"},  # with a direction
    "heavy_truck_restricted": {"road"},
    "street_vending": {"sidewalk"},
    "person_in_water": {"river"},
    "abandoned_object": {"square", "sidewalk"},
}

# --------------------------------------------------------------------------- dispatch plans

ROOT_DEADLINES = ("30m", "4h", "2h")
CRITICAL = ("5m", "30m", "1h")
URGENT = ("10m", "1h", "1h")
NORMAL = ("15m", "2h", "2h")
SLOW = ("1h", "1d", "1d")
FIELD_CASE = ("2h", "3d", "1d")
FRINGE_GRIDS = "g121|g122"  # no heavy-truck restriction order covers these grids yet

# event type, plan name, receiver, deadlines, extra matchers, verifier, children
# children: (suffix, name, matcher, receiver[, active time intervals])
SCENIC = ("scenic", "景区", 'scene="scenic"', "squad:sq-scenic")
RIVER_SIDE = ("river", "河道", 'scene="river"', "squad:sq-river")
# The market squad works the market streets only while the markets are open; outside those
# hours street vending there goes to the appearance squad like anywhere else.
MARKET = ("market", "农贸市场周边", 'community=~"c02|c03|c09"', "squad:sq-market",
          ["market-hours"])
PLANS = [
    ("lane_occupation", "机动车占道", "squad:sq-traffic", NORMAL, [], None, []),
    ("illegal_parking", "违法停车", "squad:sq-traffic", NORMAL, [], None, [SCENIC]),
    ("wrong_way_driving", "车辆逆行", "squad:sq-traffic", URGENT, [], None, []),
    ("heavy_truck_restricted", "大货车违规通行", "squad:sq-traffic", NORMAL,
     [f'grid!~"{FRINGE_GRIDS}"'], None, []),
    ("fire_lane_occupation", "占用消防通道", "squad:sq-fire", URGENT, [], None, []),
    ("street_vending", "占道经营", "squad:sq-appearance", NORMAL, [], None,
     [SCENIC, MARKET]),
    ("non_motor_disorder", "非机动车乱停放", "squad:sq-appearance", NORMAL, [], None, []),
    ("abandoned_object", "遗留物品", "squad:sq-appearance", URGENT, [], None, [SCENIC]),
    ("person_in_water", "人员涉水", "squad:sq-river", CRITICAL, [], "brigade", []),
    ("area_intrusion", "区域入侵", "grid_force:{community}", URGENT, [], None,
     [SCENIC, RIVER_SIDE]),
    ("crowd_gathering", "人员聚集", "grid_force:{community}", URGENT, [], None, [SCENIC]),
    ("loitering", "人员徘徊", "grid_force:{community}", NORMAL, [], None, [SCENIC, RIVER_SIDE]),
    ("water_level", "河道水位超警", "squad:sq-river", URGENT, [], "brigade", []),
    ("water_quality", "水质异常", "squad:sq-environment", URGENT, [], "squad:sq-river", []),
    ("rainfall", "强降雨预警", "squad:sq-emergency", URGENT, [], "brigade", []),
    # reported by grid leaders and citizens
    ("garbage_dumping", "乱倒垃圾", "grid_force:{community}", NORMAL, [], None,
     [("river", "河道沿线", 'scene="river"', "squad:sq-river")]),
    ("illegal_construction", "违法建设", "squad:sq-construction", FIELD_CASE, [], None, []),
    ("road_damage", "道路破损", "grid_force:{community}", SLOW, [], None, []),
    ("noise", "噪声扰民", "squad:sq-environment", NORMAL, [], None, []),
    ("river_garbage", "河道漂浮物", "squad:sq-river", SLOW, [], None, []),
    ("other", "其他事项", "grid_force:{community}", SLOW, [], "brigade", []),
    # raised by the platform itself
    ("device_offline", "设备离线", "brigade", ("30m", "1d", "1d"), [], "brigade", []),
]

# Event types that people and the platform report (the algorithms' types come from
# algorithms.yaml): id, zh-CN name, severity, who reports it.
HUMAN = ["grid_leader", "citizen"]
REPORTED_TYPES = [
    ("garbage_dumping", "乱倒垃圾", "minor", HUMAN),
    ("illegal_construction", "违法建设", "major", HUMAN),
    ("road_damage", "道路破损", "minor", HUMAN),
    ("noise", "噪声扰民", "minor", HUMAN),
    ("river_garbage", "河道漂浮物", "minor", HUMAN),
    ("other", "其他事项", "minor", HUMAN),
    ("device_offline", "设备离线", "minor", ["system"]),
]

# A burst of findings of one device becomes one case; its assignee hears of it after 30 s,
# of later events at most every 10 min, and is reminded every 4 h while it stays open.
ROOT_GROUPING = {"group_by": ["device", "event_type"], "group_wait": "30s",
                 "group_interval": "10m", "repeat_interval": "4h"}
TIME_INTERVALS = [
    {"id": "market-hours", "name": "早晚市时段", "weekdays": ["monday:sunday"],
     "times": [("06:00", "10:00"), ("16:00", "20:00")]},
]
INHIBIT_RULES = [
    {"id": "flood-mutes-minor",
     "description": "防汛应急响应期间，同一网格的一般性事件暂缓派遣，力量集中抢险。",
     "source_matchers": ['hazard=~"flash_flood|waterlogging"'],
     "target_matchers": ['severity="minor"', 'source="ai"'],
     "equal": ["grid"]},
]
ESCALATION_POLICIES = [
    {"id": "standard", "name": "标准升级策略",
     "steps": [("not_accepted", "0s", ["squad_leader"]),
               ("not_closed", "0s", ["duty_officer"])],
     "repeat_every": "1h", "repeat_limit": 2},
    {"id": "urgent", "name": "紧急升级策略",
     "steps": [("not_accepted", "0s", ["squad_leader", "duty_officer"]),
               ("not_handled", "0s", ["duty_officer"]),
               ("not_verified", "0s", ["duty_officer"])],
     "repeat_every": "15m", "repeat_limit": 4},
]
URGENT_TYPES = {"person_in_water", "water_level", "fire_lane_occupation"}

# --------------------------------------------------------------------------- emergency plans

RIVERSIDE = ("c01", "c05", "c10", "c11", "c12")
MOUNTAIN = ("c04", "c05", "c06", "c11", "c01")
URBAN = ("c02", "c03", "c07", "c08", "c09", "c12")
ALL = tuple(c[0] for c in COMMUNITIES)

HAZARD_TRIGGERS = {
    "river_pollution": ["water_quality", "river_garbage"],
    "flash_flood": ["water_level", "rainfall"],
    "waterlogging": ["rainfall"],
    "fire": [],
    "landslide": ["rainfall"],
    "crowd": ["crowd_gathering"],
    "other": [],
}
HAZARD_POSTS = {
    "river_pollution": ["街道应急办", "生态环境办", "水利站", "执法大队值班室", "村(社区)应急分队"],
    "flash_flood": ["街道应急办", "水利站", "农业服务中心", "民政办", "派出所", "村(社区)应急分队"],
    "waterlogging": ["街道应急办", "城市管理科", "交巡警平台", "供电所", "村(社区)应急分队"],
    "fire": ["街道应急办", "消防救援站", "派出所", "卫生院", "供电所"],
    "landslide": ["街道应急办", "规划建设办", "民政办", "派出所", "村(社区)应急分队"],
    "crowd": ["街道应急办", "派出所", "交巡警平台", "卫生院", "宣传统战办"],
    "other": ["街道党政办", "街道应急办", "社会事务办", "宣传统战办", "卫生院"],
}
SCENIC_POST = "华岩寺景区管理处"
N_POSTS = 18

# step, unit (GF = the covered community's grid force, CROWD = the crowd squad, grid_leader =
# every covered grid's leader), within
CHECKLISTS = {
    "river_pollution": [
        ("网格员到场核实污染范围并拍照取证", "grid_leader", "15m"),
        ("排查上游排污口，锁定污染源", "squad:sq-environment", "1h"),
        ("布设拦污设施，通知下游暂停取水", "squad:sq-river", "1h"),
        ("上报区生态环境局并通报水利站", "brigade", "30m"),
        ("加密水质监测直至恢复正常", "squad:sq-river", "1d"),
    ],
    "flash_flood": [
        ("启动防汛值守，发布山洪预警", "brigade", "10m"),
        ("网格员逐户通知危险区群众转移", "grid_leader", "30m"),
        ("巡查河道、山坪塘及危险区", "squad:sq-river", "1h"),
        ("组织转移安置并清点人数", "squad:sq-emergency", "2h"),
    ],
    "waterlogging": [
        ("设置积水点警示并封控低洼路段", "squad:sq-traffic", "30m"),
        ("调度排水力量抽排积水", "squad:sq-emergency", "1h"),
        ("排查地下车库及低洼住户", "GF", "1h"),
    ],
    "fire": [
        ("报警并引导消防车进入", "GF", "5m"),
        ("清理消防通道，疏散周边群众", "squad:sq-fire", "15m"),
        ("设置警戒区，配合现场救援", "squad:sq-emergency", "30m"),
        ("统计伤亡与损失并上报", "brigade", "2h"),
    ],
    "landslide": [
        ("封控隐患点，设置警戒", "GF", "30m"),
        ("转移受威胁群众", "squad:sq-emergency", "1h"),
        ("排查周边房屋及边坡裂缝", "squad:sq-construction", "4h"),
        ("上报区规划自然资源局", "brigade", "1h"),
    ],
    "crowd": [
        ("启动客流监测，实行限流分流", "CROWD", "15m"),
        ("疏导周边交通，规范停车", "squad:sq-traffic", "30m"),
        ("网格员现场劝导、维护秩序", "grid_leader", "30m"),
        ("发布客流提示信息", "brigade", "1h"),
    ],
    "other": [
        ("核实情况并上报街道应急办", "GF", "30m"),
        ("成立现场指挥部，统一调度", "brigade", "1h"),
        ("组织先期处置", "squad:sq-emergency", "2h"),
    ],
}

# name, hazard, communities, grid selection (x, y, n nearest grids) or None = all, triggers
EMERGENCY_PLANS = [
    ("跳磴河水污染应急预案", "river_pollution", RIVERSIDE, None, None),
    ("跳磴河华岩段突发水污染处置预案", "river_pollution", ("c01",), (0.38, 0.82, 5), None),
    ("跳磴河跳磴段水污染应急预案", "river_pollution", ("c10",), (0.60, 0.85, 4), None),
    ("田坝社区工业废水偷排应急预案", "river_pollution", ("c12",), (0.85, 0.85, 4),
     ["water_quality"]),
    ("新发村养殖废水污染应急预案", "river_pollution", ("c11",), (0.15, 0.75, 4), None),
    ("华岩湖水体污染应急预案", "river_pollution", ("c01",), (0.33, 0.77, 2), ["water_quality"]),
    ("中梁山街道山洪灾害防御预案", "flash_flood", MOUNTAIN, None, None),
    ("华岩村山洪灾害防御预案", "flash_flood", ("c01",), None, None),
    ("梁山村山洪灾害防御预案", "flash_flood", ("c04",), None, None),
    ("龙泉村山洪灾害防御预案", "flash_flood", ("c05",), None, None),
    ("协兴村山洪灾害防御预案", "flash_flood", ("c06",), None, None),
    ("新发村山洪灾害防御预案", "flash_flood", ("c11",), None, None),
    ("跳磴村山洪灾害防御预案", "flash_flood", ("c10",), None, None),
    ("跳磴河超警戒水位防汛预案", "flash_flood", RIVERSIDE, None, ["water_level"]),
    ("中梁山街道城市内涝应急预案", "waterlogging", URBAN, None, None),
    ("华福路下穿道积水应急预案", "waterlogging", ("c03",), (0.85, 0.28, 2), None),
    ("华岩新城社区低洼地带内涝预案", "waterlogging", ("c07",), (0.90, 0.60, 3), None),
    ("建设社区老旧小区排水防涝预案", "waterlogging", ("c08",), (0.60, 0.15, 4), None),
    ("石桥社区积水点应急预案", "waterlogging", ("c09",), (0.65, 0.50, 3), None),
    ("中梁山社区防涝预案", "waterlogging", ("c02",), None, None),
    ("中梁山街道火灾事故应急预案", "fire", ALL, None, None),
    ("中梁山森林火灾扑救预案", "fire", ("c04", "c05", "c06"), None, None),
    ("华岩寺景区消防应急预案", "fire", ("c01",), (0.38, 0.75, 3), None),
    ("华福社区高层建筑火灾应急预案", "fire", ("c03",), (0.85, 0.10, 4), None),
    ("华岩新城商业综合体火灾应急预案", "fire", ("c07",), (0.92, 0.42, 2), None),
    ("建设社区老旧小区火灾应急预案", "fire", ("c08",), (0.56, 0.20, 4), None),
    ("田坝社区仓储物流园火灾应急预案", "fire", ("c12",), (0.80, 0.72, 3), None),
    ("石桥社区农贸市场火灾应急预案", "fire", ("c09",), (0.65, 0.42, 2), None),
    ("中梁山街道地质灾害应急预案", "landslide", ("c04", "c05", "c06", "c10", "c11"), None, None),
    ("梁山村滑坡隐患点应急预案", "landslide", ("c04",), (0.10, 0.15, 3), None),
    ("龙泉村危岩崩塌应急预案", "landslide", ("c05",), (0.10, 0.40, 3), None),
    ("协兴村地质灾害隐患点应急预案", "landslide", ("c06",), (0.30, 0.55, 3), None),
    ("中梁山社区边坡垮塌应急预案", "landslide", ("c02",), (0.30, 0.10, 2), None),
    ("华岩村煤矿采空区塌陷应急预案", "landslide", ("c01",), (0.30, 0.90, 4), None),
    ("华岩寺景区大客流应急预案", "crowd", ("c01",), (0.38, 0.76, 4), None),
    ("华岩寺春节庙会大客流应急预案", "crowd", ("c01",), (0.38, 0.76, 6), None),
    ("华岩新城商圈人员聚集应急预案", "crowd", ("c07",), (0.90, 0.45, 3), None),
    ("中梁山社区文化广场大型活动应急预案", "crowd", ("c02",), (0.42, 0.25, 2), None),
    ("中小学校门口人员聚集应急预案", "crowd", ("c03", "c08", "c09"), None, None),
    ("中梁山街道突发事件总体应急预案", "other", ALL, None, None),
    ("跳磴河防溺水应急预案", "other", RIVERSIDE, None, ["person_in_water"]),
    ("危险化学品运输车辆事故应急预案", "other", ("c11", "c12"), None, None),
    ("大面积停电应急预案", "other", ALL, None, None),
]

# fmt: on


# =========================================================================== geometry


def to_lonlat(x: float, y: float) -> dict[str, float]:
    return {"lon": round(LON0 + x * LON_SPAN, 6), "lat": round(LAT0 - y * LAT_SPAN, 6)}


def to_map(loc: dict[str, float]) -> tuple[float, float]:
    return (loc["lon"] - LON0) / LON_SPAN, (LAT0 - loc["lat"]) / LAT_SPAN


def contains(poly: list[list[float]], x: float, y: float) -> bool:
    """Ray casting: is (x, y) inside the polygon?"""
    inside = False
    for (x1, y1), (x2, y2) in zip(poly, poly[1:] + poly[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def area(poly: list[list[float]]) -> float:
    s = 0.0
    for (x1, y1), (x2, y2) in zip(poly, poly[1:] + poly[:1], strict=True):
        s += x1 * y2 - x2 * y1
    return abs(s) / 2


def centroid(poly: list[list[float]]) -> tuple[float, float]:
    return sum(p[0] for p in poly) / len(poly), sum(p[1] for p in poly) / len(poly)


def polyline_length(line: list[tuple[float, float]]) -> float:
    return sum(math.dist(a, b) for a, b in itertools.pairwise(line))


def along(line: list[tuple[float, float]], t: float, offset: float = 0.0) -> tuple[float, float]:
    """Point at fraction t of the polyline's length, shifted `offset` to the left of travel."""
    target = t * polyline_length(line)
    for a, b in itertools.pairwise(line):
        seg = math.dist(a, b)
        if target <= seg or b == line[-1]:
            f = min(target / seg, 1.0)
            dx, dy = (b[0] - a[0]) / seg, (b[1] - a[1]) / seg
            return a[0] + f * (b[0] - a[0]) + offset * dy, a[1] + f * (b[1] - a[1]) - offset * dx
        target -= seg
    raise AssertionError("unreachable")


def lattice() -> list[list[tuple[float, float]]]:
    """Vertices of the district lattice; interior vertices get a small deterministic jitter."""
    rng = random.Random(1201)
    nx, ny = LAYOUT_COLS * CELLS_X, LAYOUT_ROWS * CELLS_Y
    rows = []
    for j in range(ny + 1):
        row = []
        for i in range(nx + 1):
            x, y = i / nx, j / ny
            if 0 < i < nx:
                x += rng.uniform(-0.2, 0.2) / nx
            if 0 < j < ny:
                y += rng.uniform(-0.2, 0.2) / ny
            row.append((round(x, 4), round(y, 4)))
        rows.append(row)
    return rows


def community_cells(col: int, row: int, n: int, vertices: list) -> list[list[list[float]]]:
    """The community region's lattice cells, north row first, west to east; one cut in two
    when the community has one grid more than the lattice gives it."""
    cells = []
    for j in range(row * CELLS_Y, (row + 1) * CELLS_Y):
        for i in range(col * CELLS_X, (col + 1) * CELLS_X):
            quad = [vertices[j][i], vertices[j][i + 1], vertices[j + 1][i + 1], vertices[j + 1][i]]
            cells.append([list(p) for p in quad])
    if n == len(cells) + 1:  # cut by the segment joining the midpoints of top and bottom edges
        tl, tr, br, bl = cells[SPLIT_CELL]
        mt = [round((tl[0] + tr[0]) / 2, 5), round((tl[1] + tr[1]) / 2, 5)]
        mb = [round((bl[0] + br[0]) / 2, 5), round((bl[1] + br[1]) / 2, 5)]
        cells[SPLIT_CELL : SPLIT_CELL + 1] = [[tl, mt, mb, bl], [mt, tr, br, mb]]
    assert len(cells) == n, (col, row, n)
    return cells


def check_tiling(grids: list[dict[str, Any]]) -> None:
    """The grid polygons must cover the unit square exactly once."""
    total = sum(area(g["area"]) for g in grids)
    assert abs(total - 1.0) < 1e-9, f"grid areas sum to {total}"
    for a in range(97):
        for b in range(89):
            x, y = (a + 0.5) / 97, (b + 0.5) / 89
            hits = [g["id"] for g in grids if contains(g["area"], x, y)]
            assert len(hits) == 1, f"({x:.3f}, {y:.3f}) lies in {hits}"


# =========================================================================== organisation


def person_names(n: int, seed: int, taken: set[str]) -> list[str]:
    rng = random.Random(seed)
    pool = [s + g for s in SURNAMES for g in GIVEN_NAMES]
    rng.shuffle(pool)
    return [name for name in pool if name not in taken][:n]


def build_organisation() -> dict[str, Any]:
    vertices = lattice()
    communities, grids, leaders = [], [], []
    taken = {BRIGADE["duty_officer"], *(s[3] for s in SQUADS)}
    names = iter(person_names(sum(c[6] for c in COMMUNITIES), 7, taken))
    for cid, cname, kind, _short, col, row, n in COMMUNITIES:
        communities.append(
            {"id": cid, "name": cname, "kind": kind, "grid_force": f"{cname}网格力量"}
        )
        for k, cell in enumerate(community_cells(col, row, n, vertices), start=1):
            num = len(grids) + 1
            gid, lid = f"g{num:03d}", f"gl{num:03d}"
            grids.append(
                {
                    "id": gid,
                    "name": f"{cname}第{k}网格",
                    "community": cid,
                    "leader": lid,
                    "area": cell,
                }
            )
            leaders.append(
                {"id": lid, "name": next(names), "grid": gid, "phone": f"1380000{num:04d}"}
            )
    check_tiling(grids)
    squads = [
        {"id": i, "name": n, "speciality": s, "leader": lead, "communities": list(c)}
        for i, n, s, lead, c in SQUADS
    ]
    return {
        "district": DISTRICT,
        "brigade": dict(BRIGADE),
        "squads": squads,
        "communities": communities,
        "grids": grids,
        "grid_leaders": leaders,
        "scenes": [{"id": i, "name": n, "description": d} for i, n, d in SCENES],
        "map": Flow(MAP_BOX),
    }


# =========================================================================== devices


class Placer:
    """Turns map positions into lon/lat + grid, and keeps device names unique."""

    def __init__(self, org: dict[str, Any]) -> None:
        self.grids = org["grids"]
        self.community = {g["id"]: g["community"] for g in self.grids}
        self.names: set[str] = set()

    def grid_at(self, loc: dict[str, float]) -> str:
        x, y = to_map(loc)
        hits = [g["id"] for g in self.grids if contains(g["area"], x, y)]
        assert len(hits) == 1, f"{loc} lies in grids {hits}"
        return hits[0]

    def place(self, name: str, x: float, y: float) -> dict[str, Any]:
        assert name not in self.names, f"duplicate device name {name}"
        self.names.add(name)
        x, y = min(max(x, 0.002), 0.998), min(max(y, 0.002), 0.998)
        loc = to_lonlat(x, y)
        return {"name": name, "grid": self.grid_at(loc), "location": Flow(loc)}


def zones_for(kinds: list[str], templates: dict, direction: list[float] | None) -> list[dict]:
    zones = []
    for kind in kinds:
        zid, zname, polygon = templates[kind]
        zone = {"id": zid, "name": zname, "kind": kind, "polygon": polygon}
        if kind == "lane" and direction is not None:
            zone["direction"] = direction
        zones.append(zone)
    return zones


def camera(
    site: dict[str, Any],
    scene: str | None,
    make: str,
    source: dict[str, Any],
    algorithms: list[str] | None = None,
    zones: list[dict] | None = None,
) -> dict[str, Any]:
    cam = {"id": "", "kind": "camera", **site}
    if scene:
        cam["scene"] = scene
    cam["make"] = make
    cam["source"] = source
    if algorithms:
        cam["sample_fps"] = 1.0
        cam["zones"] = zones or []
    cam["algorithms"] = algorithms or []
    return cam


def ai_cameras(placer: Placer) -> list[dict[str, Any]]:
    """cam-0001..cam-0007 (sample video) first, then the still-image AI cameras."""
    cams = [
        camera(
            placer.place(*CAM1),
            None,
            AI_MAKE,
            {"kind": "file", "path": VTEST},
            ["lane_occupation", "illegal_parking"],
            CAM1_ZONES,
        )
    ]
    for name, x, y, scene, algos, kinds in VTEST_CAMERAS:
        cams.append(
            camera(
                placer.place(name, x, y),
                scene,
                AI_MAKE,
                {"kind": "file", "path": VTEST},
                algos,
                zones_for(kinds, VTEST_ZONES, None),
            )
        )
    for k, (name, x, y, scene, bundle) in enumerate(AI_STILL_CAMERAS):
        algos, kinds = BUNDLES[bundle]
        paths = STILLS[k % 4 :] + STILLS[: k % 4]
        source = {"kind": "images", "paths": paths, "interval_s": 5}
        zones = zones_for(kinds, ZONE_TEMPLATES, LANE_DIRECTIONS[k % 4])
        cams.append(camera(placer.place(name, x, y), scene, AI_MAKE, source, algos, zones))
    return cams


def plain_sites(placer: Placer, org: dict[str, Any], n: int) -> list[tuple[dict, str | None]]:
    """Viewing-only camera sites: one per grid, scenic area, river banks, junctions, roads."""
    rng = random.Random(2025)
    sites: list[tuple[dict, str | None]] = []
    spots = {c[0]: (VILLAGE_SPOTS if c[2] == "village" else URBAN_SPOTS) for c in COMMUNITIES}
    cnames = {c[0]: c[1] for c in COMMUNITIES}
    per_community: dict[str, int] = {}
    for g in org["grids"]:
        k = per_community.get(g["community"], 0)
        per_community[g["community"]] = k + 1
        cx, cy = centroid(g["area"])
        name = cnames[g["community"]] + spots[g["community"]][k]
        x, y = cx + rng.uniform(-0.008, 0.008), cy + rng.uniform(-0.02, 0.02)
        sites.append((placer.place(name, x, y), None))
    for k, name in enumerate(SCENIC_SPOTS):
        angle = 2 * math.pi * k / len(SCENIC_SPOTS)
        r = SCENIC_RADIUS * (0.5 + 0.5 * (k % 2))
        x, y = SCENIC_CENTRE[0] + r * math.cos(angle), SCENIC_CENTRE[1] + r * math.sin(angle)
        sites.append((placer.place(name, x, y), "scenic"))
    sites += river_sites(placer)
    for name, x, y, dirs in JUNCTIONS:
        for d in dirs:
            full = f"{name}({d}向)"
            if full in placer.names:
                continue
            dx, dy = {"东": (0.003, 0), "西": (-0.003, 0), "南": (0, 0.004), "北": (0, -0.004)}[d]
            sites.append((placer.place(full, x + dx, y + dy), None))
    remaining = n - len(sites)
    assert remaining > 0, f"too many fixed camera sites ({len(sites)} > {n})"
    sites += road_sites(placer, remaining)
    return sites


def river_sites(placer: Placer) -> list[tuple[dict, str | None]]:
    sites = []
    counter: dict[str, int] = {}
    for k in range(N_RIVER_CAMERAS):
        bank = "北" if k % 2 == 0 else "南"
        x, y = along(RIVER, (k + 0.5) / N_RIVER_CAMERAS, 0.008 if bank == "北" else -0.008)
        reach = reach_name(placer, x, y)
        counter[reach] = counter.get(reach, 0) + 1
        name = f"跳磴河{reach}段{bank}岸{counter[reach]}号"
        sites.append((placer.place(name, x, y), "river"))
    return sites


def reach_name(placer: Placer, x: float, y: float) -> str:
    short = {c[0]: c[3] for c in COMMUNITIES}
    return short[placer.community[placer.grid_at(to_lonlat(x, y))]]


def road_sites(placer: Placer, n: int) -> list[tuple[dict, str | None]]:
    """n cameras spread along the roads in proportion to their length, named by stake number."""
    lengths = {road: polyline_length(line) for road, line in ROADS.items()}
    total = sum(lengths.values())
    shares = {road: int(n * length / total) for road, length in lengths.items()}
    for road in sorted(lengths, key=lengths.get, reverse=True)[: n - sum(shares.values())]:
        shares[road] += 1
    sites = []
    for road, line in ROADS.items():
        km = polyline_length([(x * KM_X, y * KM_Y) for x, y in line])
        for k in range(shares[road]):
            t = (k + 0.5) / shares[road]
            x, y = along(line, t, 0.002)
            metres = round(t * km * 100) * 10
            sites.append((placer.place(f"{road}K{metres // 1000}+{metres % 1000:03d}", x, y), None))
    return sites


def plain_cameras(placer: Placer, org: dict[str, Any], n: int) -> list[dict[str, Any]]:
    rng = random.Random(554)
    cnum = {c[0]: int(c[0][1:]) for c in COMMUNITIES}
    hosts: dict[str, int] = {}
    cams = []
    for site, scene in plain_sites(placer, org, n):
        is_junction = "交叉口" in site["name"]
        make = PTZ_MAKE if is_junction and rng.random() < 0.3 else rng.choice(CAMERA_MAKES)
        community = placer.community[site["grid"]]
        hosts[community] = hosts.get(community, 10) + 1
        ip = f"10.20.{cnum[community]}.{hosts[community]}"
        url = f"rtsp://{ip}:554{RTSP_PATHS[make.split()[0]]}"
        cams.append(camera(site, scene, make, {"kind": "rtsp", "url": url, "transport": "tcp"}))
    return cams


def sensor(
    dev_id: str,
    site: dict,
    scene: str | None,
    quantity: str,
    unit: str,
    make: str,
    profile: str,
    seed: int,
) -> dict[str, Any]:
    dev = {"id": dev_id, "kind": "sensor", **site}
    if scene:
        dev["scene"] = scene
    dev.update(
        {
            "make": make,
            "quantity": quantity,
            "unit": unit,
            "source": {"kind": "simulator", "profile": profile, "interval_s": 30, "seed": seed},
        }
    )
    return dev


def build_sensors(placer: Placer, org: dict[str, Any]) -> list[dict[str, Any]]:
    sensors = []
    specs = [
        ("wl", "water_level", "m", N_WATER_LEVEL, "水位监测站", "rising", 0.0),
        ("wq", "water_quality", "NTU", N_WATER_QUALITY, "水质监测站", "pollution", 0.3),
    ]
    for prefix, quantity, unit, count, suffix, first_profile, phase in specs:
        counter: dict[str, int] = {}
        for k in range(count):
            x, y = along(RIVER, (k + 0.5 + phase) / (count + 1), 0.004)
            reach = reach_name(placer, x, y)
            counter[reach] = counter.get(reach, 0) + 1
            site = placer.place(f"跳磴河{reach}段{counter[reach]}号{suffix}", x, y)
            profile = first_profile if k == 0 else "steady"
            make = SENSOR_MAKES[quantity][k % 2]
            seed = {"wl": 100, "wq": 200}[prefix] + k + 1
            sensors.append(
                sensor(f"{prefix}-{k + 1:03d}", site, "river", quantity, unit, make, profile, seed)
            )
    grids_of: dict[str, list[dict]] = {}
    for g in org["grids"]:
        grids_of.setdefault(g["community"], []).append(g)
    for k, (cid, nth, name) in enumerate(RAIN_GAUGES):
        x, y = centroid(grids_of[cid][nth - 1]["area"])
        site = placer.place(name, x + 0.004, y - 0.01)
        profile = "storm" if k == 0 else "steady"
        sensors.append(
            sensor(
                f"rg-{k + 1:03d}",
                site,
                None,
                "rainfall",
                "mm/h",
                SENSOR_MAKES["rainfall"][k % 2],
                profile,
                300 + k + 1,
            )
        )
    return sensors


def build_devices(org: dict[str, Any]) -> list[dict[str, Any]]:
    placer = Placer(org)
    ai = ai_cameras(placer)
    fixed, rest = ai[:7], ai[7:] + plain_cameras(placer, org, N_CAMERAS - len(ai))
    rest.sort(key=lambda c: (c["grid"], c["name"]))  # number cameras by grid, AI ones interleaved
    cameras = fixed + rest
    for k, cam in enumerate(cameras, start=1):
        cam["id"] = f"cam-{k:04d}"
    return cameras + build_sensors(placer, org)


# =========================================================================== algorithms


def build_algorithms() -> dict[str, Any]:
    algorithms = []
    for algo_id, name, kind, severity, quantity in ALGORITHMS:
        entry: dict[str, Any] = {"id": algo_id, "name": name, "kind": kind, "severity": severity}
        if quantity:
            entry["quantity"] = quantity
        if algo_id in ALGORITHM_REVIEW:
            entry["review"] = "confirm"
        entry["params"] = dict(ALGORITHM_PARAMS.get(algo_id, {}))
        algorithms.append(entry)
    return {"detector": "nanodet", "algorithms": algorithms}


# =========================================================================== dispatch plans


def deadlines(triple: tuple[str, str, str]) -> Flow:
    return Flow(zip(("accept", "handle", "verify"), triple, strict=True))


def route(
    route_id: str,
    name: str,
    matchers: list[str],
    receiver: str | None = None,
    verifier: str | None = None,
    due: tuple[str, str, str] | None = None,
    children: list[dict] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    r: dict[str, Any] = {"id": route_id, "name": name}
    if matchers:
        r["matchers"] = matchers
    if receiver:
        r["receiver"] = receiver
    if verifier:
        r["verifier"] = verifier
    if due:
        r["deadlines"] = deadlines(due)
    r.update(extra)
    if children:
        r["routes"] = children
    return r


def child_route(slug: str, name: str, child: tuple) -> dict[str, Any]:
    suffix, where, matcher, receiver, *intervals = child
    extra = {"active_time_intervals": intervals[0]} if intervals else {}
    return route(f"{slug}-{suffix}", f"{where}{name}分拨预案", [matcher], receiver, **extra)


def build_plans(table: list[tuple], reported_types: list[tuple]) -> dict[str, Any]:
    routes = []
    for event_type, name, receiver, due, extra, verifier, children in table:
        slug = "plan-" + event_type.replace("_", "-")
        policy = {"escalation": "urgent"} if event_type in URGENT_TYPES else {}
        routes.append(
            route(
                slug,
                f"{name}分拨预案",
                [f'event_type="{event_type}"', *extra],
                receiver,
                verifier,
                due,
                [child_route(slug, name, c) for c in children],
                **policy,
            )
        )
    root = route(
        "root",
        "大队兜底分拨",
        [],
        "brigade",
        "grid_leader",
        ROOT_DEADLINES,
        routes,
        **ROOT_GROUPING,
        escalation="standard",
    )
    return {
        "timezone": "Asia/Shanghai",
        "event_types": [
            {"id": i, "name": n, "severity": sev, "sources": list(src)}
            for i, n, sev, src in reported_types
        ],
        "time_intervals": [
            {**iv, "times": [Flow(start=a, end=b) for a, b in iv["times"]]} for iv in TIME_INTERVALS
        ],
        "inhibit_rules": INHIBIT_RULES,
        "escalation_policies": [
            {**pol, "steps": [Flow(when=w, after=a, notify=n) for w, a, n in pol["steps"]]}
            for pol in ESCALATION_POLICIES
        ],
        "route": root,
    }


# =========================================================================== emergency plans


def nearest_grids(org: dict, communities: tuple[str, ...], near: tuple | None) -> list[str]:
    grids = [g for g in org["grids"] if g["community"] in communities]
    if near is None:
        return [g["id"] for g in grids]
    x, y, n = near
    grids.sort(key=lambda g: math.dist(centroid(g["area"]), (x, y)))
    return sorted(g["id"] for g in grids[:n])


def checklist(hazard: str, communities: tuple[str, ...]) -> list[dict[str, str]]:
    force = f"grid_force:{communities[0]}" if len(communities) == 1 else "grid_force:{community}"
    crowd = "squad:sq-scenic" if communities == ("c01",) else "squad:sq-emergency"
    units = {"GF": force, "CROWD": crowd}
    return [
        {"step": step, "unit": units.get(unit, unit), "within": within}
        for step, unit, within in CHECKLISTS[hazard]
    ]


def build_emergency_plans(org: dict[str, Any], table: list[tuple]) -> list[dict[str, Any]]:
    plans = []
    for k, (name, hazard, communities, near, triggers) in enumerate(table, start=1):
        posts = list(HAZARD_POSTS[hazard])
        if "c01" in communities and hazard in ("crowd", "fire"):
            posts.append(SCENIC_POST)
        plans.append(
            {
                "id": f"ep-{k:02d}",
                "name": name,
                "hazard": hazard,
                "triggers": list(triggers if triggers is not None else HAZARD_TRIGGERS[hazard]),
                "posts": posts,
                "communities": list(communities),
                "grids": nearest_grids(org, communities, near),
                "checklist": checklist(hazard, communities),
            }
        )
    return plans


# =========================================================================== minimal district


MINIMAL_SQUADS = ("sq-traffic", "sq-river", "sq-appearance")


def build_minimal() -> dict[str, Any]:
    """3 communities x 2 rectangular grids, 4 devices, 3 dispatch plans, 2 emergency plans."""
    communities = [
        ("c01", "华岩村", "village"),
        ("c02", "中梁山社区", "urban"),
        ("c03", "华福社区", "urban"),
    ]
    leaders = ["张建华", "李秀兰", "王志勇", "刘春梅", "陈德明", "杨晓燕"]
    grids, gls = [], []
    for k in range(6):
        col, row = k // 2, k % 2
        x0, x1 = round(col / 3, 4), round((col + 1) / 3, 4)
        y0, y1 = row * 0.5, (row + 1) * 0.5
        gid, lid = f"g{k + 1:03d}", f"gl{k + 1:03d}"
        cid, cname, _ = communities[col]
        grids.append(
            {
                "id": gid,
                "name": f"{cname}第{row + 1}网格",
                "community": cid,
                "leader": lid,
                "area": [[x0, y0], [x1, y0], [x1, y1], [x0, y1]],
            }
        )
        gls.append({"id": lid, "name": leaders[k], "grid": gid, "phone": f"1380000{k + 1:04d}"})
    org = {
        "district": DISTRICT,
        "brigade": dict(BRIGADE),
        "squads": [
            {
                "id": i,
                "name": n,
                "speciality": s,
                "leader": lead,
                "communities": [x for x in c if x in ("c01", "c02", "c03")],
            }
            for i, n, s, lead, c in SQUADS
            if i in MINIMAL_SQUADS
        ],
        "communities": [
            {"id": c, "name": n, "kind": k, "grid_force": f"{n}网格力量"} for c, n, k in communities
        ],
        "grids": grids,
        "grid_leaders": gls,
        "scenes": [{"id": i, "name": n, "description": d} for i, n, d in SCENES],
        "map": Flow(MAP_BOX),
    }
    placer = Placer(org)
    devices = [
        camera(
            placer.place(CAM1[0], 0.15, 0.25),
            None,
            AI_MAKE,
            {"kind": "file", "path": VTEST},
            ["lane_occupation", "illegal_parking"],
            CAM1_ZONES,
        ),
        camera(
            placer.place("华福社区农贸市场入口", 0.85, 0.30),
            None,
            CAMERA_MAKES[0],
            {
                "kind": "rtsp",
                "url": "rtsp://10.20.3.11:554/Streaming/Channels/101",
                "transport": "tcp",
            },
        ),
        sensor(
            "wl-001",
            placer.place("跳磴河华岩段1号水位监测站", 0.20, 0.80),
            "river",
            "water_level",
            "m",
            SENSOR_MAKES["water_level"][0],
            "rising",
            101,
        ),
        sensor(
            "rg-001",
            placer.place("中梁山社区雨量站", 0.50, 0.30),
            None,
            "rainfall",
            "mm/h",
            SENSOR_MAKES["rainfall"][0],
            "steady",
            301,
        ),
    ]
    devices[0]["id"], devices[1]["id"] = "cam-0001", "cam-0002"
    plans = build_plans(
        [
            ("lane_occupation", "机动车占道", "squad:sq-traffic", NORMAL, [], None, []),
            ("water_level", "河道水位超警", "squad:sq-river", URGENT, [], "brigade", []),
            ("garbage_dumping", "乱倒垃圾", "grid_force:{community}", NORMAL, [], None, []),
        ],
        REPORTED_TYPES,
    )
    emergency = build_emergency_plans(
        org,
        [
            (
                "跳磴河超警戒水位防汛预案",
                "flash_flood",
                ("c01",),
                None,
                ["water_level", "rainfall"],
            ),
            ("中梁山街道突发事件总体应急预案", "other", ("c01", "c02", "c03"), None, None),
        ],
    )
    squads = {f"squad:{s}" for s in MINIMAL_SQUADS}
    for plan in emergency:  # the minimal district has only three squads
        plan["checklist"] = [
            i
            for i in plan["checklist"]
            if not i["unit"].startswith("squad:") or i["unit"] in squads
        ]
    return {"organisation": org, "devices": devices, "plans": plans, "emergency": emergency}


# =========================================================================== YAML output


class Flow(dict):
    """A mapping written on one line: {lon: 106.42, lat: 29.51}."""


class Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _is_scalar(v: Any) -> bool:
    return isinstance(v, str | int | float) and not isinstance(v, bool)


def _represent_list(dumper: Dumper, data: list) -> yaml.Node:
    points = all(
        isinstance(p, list | tuple) and len(p) == 2 and all(map(_is_scalar, p)) for p in data
    )
    flow = bool(data) and (all(map(_is_scalar, data)) or points)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


def _represent_flow(dumper: Dumper, data: Flow) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=True)


Dumper.add_representer(list, _represent_list)
Dumper.add_representer(Flow, _represent_flow)


def write_yaml(path: Path, what: str, data: Any) -> None:
    header = (
        f"# {what}\n"
        "# Generated by configs/generate.py - do not edit by hand: change the generator\n"
        "# and re-run `python configs/generate.py`.\n"
    )
    body = yaml.dump(
        data,
        Dumper=Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=100,
        default_flow_style=False,
    )
    path.write_text(header + body, encoding="utf-8")


def write_district(
    directory: Path, org: dict, devices: list, algorithms: dict, plans: dict, emergency: list
) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    write_yaml(
        directory / "organisation.yaml",
        "Organisation: brigade, squads, communities, grids and grid leaders, scenes.",
        org,
    )
    write_yaml(
        directory / "devices.yaml",
        "Sensing devices: cameras and IoT sensors.",
        {"devices": devices},
    )
    write_yaml(
        directory / "algorithms.yaml", "Algorithm catalogue and the shared detector.", algorithms
    )
    write_yaml(directory / "plans.yaml", "Dispatch plans (分拨预案) as a routing tree.", plans)
    write_yaml(
        directory / "emergency_plans.yaml",
        "Digital emergency plans (应急预案).",
        {"emergency_plans": emergency},
    )


def check_counts(org: dict, devices: list, emergency: list) -> None:
    cams = [d for d in devices if d["kind"] == "camera"]
    assert len(devices) == 350 and len(cams) == N_CAMERAS, (len(devices), len(cams))
    assert sum(1 for c in cams if c["algorithms"]) == 49
    used = {a for c in cams for a in c["algorithms"]}
    vision = {a[0] for a in ALGORITHMS if a[2] == "vision"}
    assert used == vision, vision - used
    for algo in vision:
        assert sum(algo in c["algorithms"] for c in cams) >= 2, algo
    for cam in cams:
        for algo in cam["algorithms"]:
            zones = [z for z in cam["zones"] if z["kind"] in ALGORITHM_ZONES[algo]]
            if algo == "wrong_way_driving":
                zones = [z for z in zones if "direction" in z]
            assert zones, f"{cam['id']} runs {algo} without a zone for it"
    g121 = [c for c in cams if c["name"] == "田坝货运路K1+300"]
    assert g121[0]["grid"] == "g121", g121[0]["grid"]
    assert len(org["grids"]) == 122 and len(org["communities"]) == 12
    assert len(emergency) == 43
    assert len({p for e in emergency for p in e["posts"]}) == N_POSTS
    assert {c for e in emergency for c in e["communities"]} == set(ALL)
    assert len({g for e in emergency for g in e["grids"]}) == 122
    for e in emergency:
        assert 3 <= len(e["checklist"]) <= 6, e["name"]


def main() -> None:
    org = build_organisation()
    devices = build_devices(org)
    emergency = build_emergency_plans(org, EMERGENCY_PLANS)
    check_counts(org, devices, emergency)
    algorithms = build_algorithms()
    plans = build_plans(PLANS, REPORTED_TYPES)
    write_district(HERE / "zhongliangshan", org, devices, algorithms, plans, emergency)
    mini = build_minimal()
    write_district(
        HERE / "minimal",
        mini["organisation"],
        mini["devices"],
        algorithms,
        mini["plans"],
        mini["emergency"],
    )
    print(f"wrote {HERE / 'zhongliangshan'} and {HERE / 'minimal'}")


if __name__ == "__main__":
    main()
