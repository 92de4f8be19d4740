#!/usr/bin/env python3
"""Generate the enforcement side of the district configs: the responsibility list (权责清单),
the supervised enterprises and `enforcement.yaml` (document numbering, inspection policy,
officers), for configs/zhongliangshan and a small one for configs/minimal.

Run `python configs/generate_catalogue.py` after `configs/generate.py` (it reads the generated
organisation.yaml, algorithms.yaml and plans.yaml so every squad, grid and event type it names
exists). Deterministic: every random choice uses a fixed seed; a re-run gives identical files.

Names and provisions are synthetic but consistent: every enforcement matter names the provision
violated and the penalty provision of a real statute, every duty item names the provision it
rests on, and the codes follow one scheme (ZLS-<domain>-<nnnn>, ZF-<nnnn>).
"""

from __future__ import annotations

import itertools
import math
import random
import re
import sys
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

# fmt: off

DUTY_ITEMS_TARGET = 1770  # the sample district's reported count
MATTERS_TARGET = 134

# Domain (领域) -> code abbreviation, squad that enforces it, days given to rectify.
CATEGORIES = {
    "道路交通": ("JT", "sq-traffic", 3),
    "市容环境": ("SR", "sq-appearance", 3),
    "规划建设": ("GH", "sq-construction", 15),
    "生态环境": ("HJ", "sq-environment", 15),
    "河道水务": ("SW", "sq-river", 7),
    "消防安全": ("XF", "sq-fire", 3),
    "应急管理": ("YJ", "sq-emergency", 3),
    "市场监管": ("SC", "sq-market", 7),
    "社会治理": ("ZL", "brigade", 7),
    "基础设施": ("SS", "sq-construction", 7),
}

# Business items: event type -> (category, source). Names come from algorithms.yaml / plans.yaml.
BUSINESS = {
    "lane_occupation": ("道路交通", "ai"),
    "illegal_parking": ("道路交通", "ai"),
    "fire_lane_occupation": ("消防安全", "ai"),
    "non_motor_disorder": ("市容环境", "ai"),
    "area_intrusion": ("社会治理", "ai"),
    "crowd_gathering": ("社会治理", "ai"),
    "loitering": ("社会治理", "ai"),
    "wrong_way_driving": ("道路交通", "ai"),
    "heavy_truck_restricted": ("道路交通", "ai"),
    "street_vending": ("市容环境", "ai"),
    "person_in_water": ("河道水务", "ai"),
    "abandoned_object": ("社会治理", "ai"),
    "water_level": ("河道水务", "ai"),
    "water_quality": ("生态环境", "ai"),
    "rainfall": ("应急管理", "ai"),
    "garbage_dumping": ("市容环境", "human"),
    "illegal_construction": ("规划建设", "human"),
    "road_damage": ("基础设施", "human"),
    "noise": ("生态环境", "human"),
    "river_garbage": ("河道水务", "human"),
    "other": ("社会治理", "human"),
    "device_offline": ("基础设施", "system"),
}
# Names of the reported and platform event types (the same words as their dispatch plans).
HUMAN_NAMES = {
    "garbage_dumping": "乱倒垃圾", "illegal_construction": "违法建设", "road_damage": "道路破损",
    "noise": "噪声扰民", "river_garbage": "河道漂浮物", "other": "其他事项",
    "device_offline": "感知设备离线",
}

# Statutes, spelt once.
DJF = "《中华人民共和国道路交通安全法》"
CDT = "《城市道路管理条例》"
SZS = "《重庆市市政设施管理条例》"
SRT = "《城市市容和环境卫生管理条例》"
CQS = "《重庆市市容环境卫生管理条例》"
XFF = "《中华人民共和国消防法》"
CXG = "《中华人民共和国城乡规划法》"
CQG = "《重庆市城乡规划条例》"
ZSF = "《中华人民共和国噪声污染防治法》"
SWF = "《中华人民共和国水污染防治法》"
HDT = "《中华人民共和国河道管理条例》"
GFF = "《中华人民共和国固体废物污染环境防治法》"
CQL = "《重庆市生活垃圾管理条例》"
JZL = "《城市建筑垃圾管理规定》"
DQF = "《中华人民共和国大气污染防治法》"
WZF = "《无证无照经营查处办法》"
LHT = "《城市绿化条例》"
GGT = "《重庆市户外广告管理条例》"
CQJ = "《重庆市道路交通安全条例》"
FHF = "《中华人民共和国防洪法》"
TFF = "《中华人民共和国突发事件应对法》"
HZT = "《重庆市河长制条例》"
DXH = "《大型群众性活动安全管理条例》"
ZAF = "《中华人民共和国治安管理处罚法》"
SZT = "《重庆市数字化城市管理办法》"
XCF = "《中华人民共和国行政处罚法》"

WARN_200 = "警告或者处二十元以上二百元以下罚款"
ROAD_FINE = "责令限期改正，可以处二万元以下的罚款"
FIRE_FINE = "责令改正，对单位处五千元以上五万元以下罚款，对个人处警告或者五百元以下罚款"
PLAN_FINE = "责令停止建设、限期改正，可以并处建设工程造价百分之五以上百分之十以下的罚款"
NOISE_FINE = "说服教育，责令改正；拒不改正的，给予警告，对个人可以处二百元以上一千元以下的罚款"
RIVER_FINE = "责令纠正违法行为、采取补救措施，可以并处警告、罚款"
LITTER = "责令改正，对个人处五十元以上二百元以下罚款"

# Enforcement matters (执法事项) per business item:
# (act, provision violated, penalty provision, penalty, highest fine in yuan).
# Matters with a fine of at most 200 yuan take the simple procedure (行政处罚法第五十一条).
MATTERS: dict[str, list[tuple[str, str, str, str, int]]] = {
    "lane_occupation": [
        ("机动车违反规定停放、临时停车妨碍其他车辆和行人通行", f"{DJF}第五十六条",
         f"{DJF}第九十三条", WARN_200, 200),
        ("擅自占用城市道路", f"{CDT}第二十七条", f"{CDT}第四十二条", ROAD_FINE, 20000),
        ("未按照批准的位置、面积、期限占用城市道路", f"{CDT}第三十一条", f"{CDT}第四十二条",
         ROAD_FINE, 20000),
        ("在城市道路上堆放物料、设置障碍物影响通行", f"{DJF}第三十一条", f"{DJF}第一百零四条",
         "责令停止违法行为，恢复原状，可以依法给予罚款", 20000),
        ("占用城市道路设置经营性停车场", f"{SZS}第二十六条", f"{SZS}第五十二条",
         "责令限期改正，处五百元以上五千元以下罚款", 5000),
        ("占用城市道路从事机动车清洗、维修", f"{CQS}第二十二条", f"{CQS}第六十五条",
         "责令改正，处二百元以上二千元以下罚款", 2000),
        ("机动车在人行道上违法停放", f"{CQJ}第四十六条", f"{DJF}第九十三条", WARN_200, 200),
        ("擅自占用城市道路设置地桩、地锁", f"{SZS}第二十七条", f"{SZS}第五十二条",
         "责令限期拆除，处二百元以下罚款", 200),
    ],
    "illegal_parking": [
        ("机动车在禁止停车路段停放", f"{DJF}第五十六条", f"{DJF}第九十三条", WARN_200, 200),
        ("机动车在公交站台三十米以内停放", f"{CQJ}第四十五条", f"{DJF}第九十三条", WARN_200, 200),
        ("机动车在交叉路口五十米以内停放", f"{CQJ}第四十五条", f"{DJF}第九十三条", WARN_200, 200),
        ("机动车在城市绿地内停放", f"{LHT}第二十条", f"{LHT}第二十七条",
         "责令停止侵害，可以并处罚款", 1000),
        ("机动车占用盲道停放", f"{CQJ}第四十六条", f"{DJF}第九十三条", WARN_200, 200),
        ("机动车在景区禁停区域停放", f"{CQJ}第四十五条", f"{DJF}第九十三条", WARN_200, 200),
        ("大中型客货车在居民区夜间停放", f"{CQJ}第四十七条", f"{DJF}第九十三条", WARN_200, 200),
        ("机动车逆向停放", f"{CQJ}第四十五条", f"{DJF}第九十三条", WARN_200, 200),
    ],
    "wrong_way_driving": [
        ("机动车逆向行驶", f"{DJF}第三十五条", f"{DJF}第九十条", WARN_200, 200),
        ("机动车在单行道逆向行驶", f"{CQJ}第三十三条", f"{DJF}第九十条", WARN_200, 200),
        ("非机动车逆向行驶", f"{DJF}第五十七条", f"{DJF}第八十九条",
         "警告或者处五元以上五十元以下罚款", 50),
        ("机动车违反禁止标线指示", f"{DJF}第三十八条", f"{DJF}第九十条", WARN_200, 200),
        ("机动车在人行道上行驶", f"{DJF}第三十六条", f"{DJF}第九十条", WARN_200, 200),
        ("机动车不按规定车道行驶", f"{CQJ}第三十四条", f"{DJF}第九十条", WARN_200, 200),
    ],
    "heavy_truck_restricted": [
        ("货运机动车违反禁限行规定通行", f"{DJF}第三十九条", f"{DJF}第九十条", WARN_200, 200),
        ("运输建筑垃圾车辆未按规定路线行驶", f"{JZL}第十四条", f"{JZL}第二十六条",
         "责令限期改正，给予警告，处五千元以上三万元以下罚款", 30000),
        ("运输车辆沿途撒漏、飞扬物料", f"{DQF}第七十条", f"{DQF}第一百一十六条",
         "责令改正，处二千元以上二万元以下罚款", 20000),
        ("货运机动车超限通行城市道路", f"{CDT}第二十八条", f"{CDT}第四十二条", ROAD_FINE, 20000),
        ("履带车、铁轮车擅自在城市道路上行驶", f"{CDT}第二十八条", f"{CDT}第四十二条",
         ROAD_FINE, 20000),
        ("货运机动车在限行时段驶入居民区", f"{CQJ}第三十九条", f"{DJF}第九十条", WARN_200, 200),
    ],
    "fire_lane_occupation": [
        ("占用、堵塞、封闭消防车通道", f"{XFF}第二十八条", f"{XFF}第六十条", FIRE_FINE, 50000),
        ("占用、堵塞、封闭疏散通道、安全出口", f"{XFF}第二十八条", f"{XFF}第六十条",
         FIRE_FINE, 50000),
        ("埋压、圈占、遮挡消火栓", f"{XFF}第二十八条", f"{XFF}第六十条", FIRE_FINE, 50000),
        ("在人员密集场所门窗设置影响逃生的障碍物", f"{XFF}第二十八条", f"{XFF}第六十条",
         FIRE_FINE, 50000),
        ("损坏、挪用或者擅自拆除、停用消防设施", f"{XFF}第二十八条", f"{XFF}第六十条",
         FIRE_FINE, 50000),
        ("电动自行车在楼道、安全出口违规停放充电", f"{XFF}第二十八条", f"{XFF}第六十条",
         "责令改正，对个人处警告或者五百元以下罚款", 500),
        ("消防设施未保持完好有效", f"{XFF}第十六条", f"{XFF}第六十条", FIRE_FINE, 50000),
        ("占用防火间距", f"{XFF}第二十八条", f"{XFF}第六十条", FIRE_FINE, 50000),
        ("个人占用消防车通道停放机动车", f"{XFF}第二十八条", f"{XFF}第六十条",
         "责令改正，处警告或者二百元以下罚款", 200),
    ],
    "street_vending": [
        ("擅自占用城市道路、桥梁、广场等公共场所摆摊设点", f"{SRT}第十四条", f"{SRT}第三十六条",
         "责令改正，可以处以罚款", 200),
        ("擅自在街道两侧和公共场地堆放物料、搭建建筑物构筑物", f"{SRT}第十七条",
         f"{SRT}第三十六条", "责令限期拆除，可以并处罚款", 2000),
        ("沿街店铺超出门窗外墙经营", f"{CQS}第二十三条", f"{CQS}第六十六条",
         "责令改正，处五十元以上二百元以下罚款", 200),
        ("占道经营夜市摊点超时超范围经营", f"{CQS}第二十四条", f"{CQS}第六十六条",
         "责令改正，处二百元以上一千元以下罚款", 1000),
        ("流动摊贩在禁止区域兜售物品", f"{CQS}第二十四条", f"{CQS}第六十六条",
         "责令改正，处五十元以上二百元以下罚款", 200),
        ("无照经营", f"{WZF}第六条", f"{WZF}第十三条",
         "责令停止违法行为，没收违法所得，并处一万元以下罚款", 10000),
        ("擅自设置户外广告设施", f"{GGT}第十五条", f"{GGT}第四十五条",
         "责令限期拆除，处五千元以上五万元以下罚款", 50000),
        ("擅自在建筑物、构筑物上悬挂、张贴宣传品", f"{SRT}第十七条", f"{SRT}第三十四条",
         "责令清除，可以并处警告、罚款", 200),
        ("擅自设置临时促销摊点", f"{CQS}第二十四条", f"{CQS}第六十六条",
         "责令改正，处二百元以上一千元以下罚款", 1000),
        ("餐饮经营者占道设置露天餐饮", f"{DQF}第八十一条", f"{DQF}第一百一十八条",
         "责令改正，没收用于违法经营的食品和器具，处五百元以上二万元以下罚款", 20000),
    ],
    "non_motor_disorder": [
        ("非机动车在人行道上违规停放妨碍通行", f"{DJF}第五十九条", f"{DJF}第八十九条",
         "警告或者处五元以上五十元以下罚款", 50),
        ("互联网租赁自行车运营企业未及时清理违停车辆", f"{CQS}第二十五条", f"{CQS}第六十七条",
         "责令限期改正，处一千元以上五千元以下罚款", 5000),
        ("非机动车占用盲道停放", f"{CQJ}第五十二条", f"{DJF}第八十九条",
         "警告或者处五元以上五十元以下罚款", 50),
        ("非机动车在禁停区域停放", f"{CQJ}第五十二条", f"{DJF}第八十九条",
         "警告或者处五元以上五十元以下罚款", 50),
        ("废弃非机动车占用公共场地", f"{CQS}第二十五条", f"{CQS}第六十七条",
         "责令限期清理，处五十元以上二百元以下罚款", 200),
        ("非机动车维修点占道经营", f"{SRT}第十四条", f"{SRT}第三十六条",
         "责令改正，可以处以罚款", 200),
        ("占用公共区域违规停放电动自行车充电", f"{CQS}第二十五条", f"{CQS}第六十七条",
         "责令改正，处五十元以上二百元以下罚款", 200),
    ],
    "garbage_dumping": [
        ("随意倾倒、抛撒、堆放生活垃圾", f"{GFF}第四十九条", f"{GFF}第一百一十一条", LITTER, 200),
        ("单位随意倾倒、抛撒、堆放生活垃圾", f"{GFF}第四十九条", f"{GFF}第一百一十一条",
         "责令改正，对单位处五万元以上五十万元以下罚款", 500000),
        ("未按规定分类投放生活垃圾", f"{CQL}第二十四条", f"{CQL}第六十二条",
         "责令改正；拒不改正的，对个人处五十元以上二百元以下罚款", 200),
        ("随意倾倒、抛撒建筑垃圾", f"{JZL}第十五条", f"{JZL}第二十六条",
         "责令限期改正，给予警告，对单位处五千元以上五万元以下罚款", 50000),
        ("将建筑垃圾混入生活垃圾", f"{JZL}第九条", f"{JZL}第二十条",
         "责令限期改正，给予警告，处以罚款", 3000),
        ("随地吐痰、便溺，乱扔果皮、纸屑和烟头等废弃物", f"{SRT}第十六条", f"{SRT}第三十四条",
         "责令纠正违法行为、采取补救措施，可以并处警告、罚款", 200),
        ("在露天场所焚烧垃圾", f"{DQF}第七十七条", f"{DQF}第一百一十九条",
         "责令改正，对单位处一万元以上十万元以下罚款，对个人处五百元以上二千元以下罚款", 100000),
        ("餐厨垃圾未交有资质单位收运处置", f"{CQL}第三十五条", f"{CQL}第六十五条",
         "责令改正，处五千元以上五万元以下罚款", 50000),
        ("未按规定设置生活垃圾分类收集容器", f"{CQL}第二十条", f"{CQL}第六十条",
         "责令限期改正，处二千元以上二万元以下罚款", 20000),
        ("大件垃圾、装修垃圾未按规定投放", f"{CQL}第二十六条", f"{CQL}第六十二条",
         "责令改正；拒不改正的，对个人处五十元以上二百元以下罚款", 200),
        ("在城市道路上晾晒、堆放杂物", f"{CQS}第二十一条", f"{CQS}第六十四条",
         "责令改正，处二十元以上二百元以下罚款", 200),
        ("饲养家禽家畜影响市容和环境卫生", f"{SRT}第二十八条", f"{SRT}第三十四条",
         "责令限期处理，可以并处罚款", 200),
    ],
    "illegal_construction": [
        ("未取得建设工程规划许可证进行建设", f"{CXG}第四十条", f"{CXG}第六十四条", PLAN_FINE,
         0),
        ("未按照建设工程规划许可证的规定进行建设", f"{CXG}第四十条", f"{CXG}第六十四条",
         PLAN_FINE, 0),
        ("在乡、村庄规划区内未取得乡村建设规划许可证进行建设", f"{CXG}第四十一条",
         f"{CXG}第六十五条", "责令停止建设、限期改正；逾期不改正的，可以拆除", 0),
        ("未经批准进行临时建设", f"{CXG}第四十四条", f"{CXG}第六十六条",
         "责令限期拆除，可以并处临时建设工程造价一倍以下的罚款", 0),
        ("临时建筑物、构筑物超过批准期限不拆除", f"{CXG}第四十四条", f"{CXG}第六十六条",
         "责令限期拆除，可以并处临时建设工程造价一倍以下的罚款", 0),
        ("擅自改变房屋外立面搭建阳光棚、雨棚", f"{CQG}第五十二条", f"{CQG}第八十七条",
         "责令限期拆除，处一千元以上一万元以下罚款", 10000),
        ("在屋顶、露台擅自搭建建筑物、构筑物", f"{CQG}第五十二条", f"{CQG}第八十七条",
         "责令限期拆除，处一千元以上一万元以下罚款", 10000),
        ("装饰装修擅自变动建筑主体和承重结构", f"{CQG}第五十三条", f"{CQG}第八十八条",
         "责令改正，处五万元以上十万元以下罚款", 100000),
        ("擅自占用城市绿地进行建设", f"{LHT}第二十条", f"{LHT}第二十七条",
         "责令限期退还、恢复原状，可以并处罚款", 10000),
        ("擅自砍伐城市树木", f"{LHT}第二十一条", f"{LHT}第二十六条",
         "责令停止侵害，可以并处罚款；造成损失的，应当负赔偿责任", 5000),
        ("在河道管理范围内违法建设", f"{HDT}第二十四条", f"{HDT}第四十四条",
         "责令纠正违法行为、采取补救措施，可以并处警告、罚款", 50000),
        ("农村村民未经批准擅自建住宅", f"{CQG}第六十一条", f"{CQG}第九十条",
         "责令停止建设、限期改正；逾期不改正的，依法拆除", 0),
        ("施工工地未设置硬质围挡", f"{DQF}第六十九条", f"{DQF}第一百一十五条",
         "责令改正，处一万元以上十万元以下罚款", 100000),
        ("施工工地未采取覆盖、洒水等防尘措施", f"{DQF}第六十九条", f"{DQF}第一百一十五条",
         "责令改正，处一万元以上十万元以下罚款", 100000),
    ],
    "road_damage": [
        ("擅自挖掘城市道路", f"{CDT}第三十三条", f"{CDT}第四十二条", ROAD_FINE, 20000),
        ("未按规定恢复挖掘后的城市道路", f"{CDT}第三十五条", f"{CDT}第四十二条", ROAD_FINE, 20000),
        ("擅自在城市道路上建设建筑物、构筑物", f"{CDT}第二十七条", f"{CDT}第四十二条",
         ROAD_FINE, 20000),
        ("在桥梁上架设压力在4公斤/平方厘米以上的煤气管道等管线", f"{CDT}第二十七条",
         f"{CDT}第四十二条", ROAD_FINE, 20000),
        ("损坏、擅自移动城市道路附属设施", f"{SZS}第二十九条", f"{SZS}第五十三条",
         "责令限期改正，赔偿损失，处二百元以上二千元以下罚款", 2000),
        ("擅自移动、损毁窨井盖", f"{SZS}第三十一条", f"{SZS}第五十三条",
         "责令限期改正，赔偿损失，处二百元以上二千元以下罚款", 2000),
        ("紧急抢修埋设在城市道路下的管线未按规定补办批准手续", f"{CDT}第三十五条",
         f"{CDT}第四十二条", ROAD_FINE, 20000),
        ("挖掘城市道路未在施工现场设置明显标志和安全防围设施", f"{CDT}第三十五条",
         f"{CDT}第四十二条", ROAD_FINE, 20000),
        ("机动车在桥梁或者非指定的城市道路上试刹车", f"{CDT}第二十七条", f"{CDT}第四十二条",
         ROAD_FINE, 20000),
        ("擅自损毁、占用城市照明设施", f"{SZS}第三十三条", f"{SZS}第五十三条",
         "责令限期改正，赔偿损失，处二百元以上二千元以下罚款", 2000),
    ],
    "noise": [
        ("在噪声敏感建筑物集中区域夜间进行产生噪声的建筑施工作业", f"{ZSF}第四十三条",
         f"{ZSF}第七十七条", "责令改正，处一万元以上十万元以下的罚款", 100000),
        ("使用高音广播喇叭或者采用其他持续反复发出高噪声的方法进行广告宣传",
         f"{ZSF}第六十四条", f"{ZSF}第八十七条", NOISE_FINE, 1000),
        ("在街道、广场、公园等公共场所组织娱乐、健身活动超过规定音量", f"{ZSF}第六十四条",
         f"{ZSF}第八十七条", NOISE_FINE, 1000),
        ("商业经营活动中使用高音广播喇叭招揽顾客", f"{ZSF}第六十四条", f"{ZSF}第八十七条",
         NOISE_FINE, 1000),
        ("家庭室内装修未按规定限定作业时间", f"{ZSF}第六十六条", f"{ZSF}第八十七条",
         NOISE_FINE, 1000),
        ("文化娱乐、体育、餐饮等场所经营噪声超标", f"{ZSF}第六十一条", f"{ZSF}第八十二条",
         "责令改正，处二千元以上二万元以下的罚款", 20000),
        ("建设单位未按规定公告附近居民夜间施工", f"{ZSF}第四十三条", f"{ZSF}第七十七条",
         "责令改正，处一万元以上十万元以下的罚款", 100000),
        ("施工单位未按规定设置噪声自动监测系统", f"{ZSF}第四十二条", f"{ZSF}第七十七条",
         "责令改正，处一万元以上十万元以下的罚款", 100000),
        ("未采取有效措施控制交通运输噪声", f"{ZSF}第四十六条", f"{ZSF}第八十条",
         "责令改正，处五千元以上五万元以下的罚款", 50000),
        ("饲养宠物干扰他人正常生活", f"{ZSF}第六十八条", f"{ZSF}第八十七条", NOISE_FINE, 1000),
        ("工业企业噪声排放超标", f"{ZSF}第三十六条", f"{ZSF}第七十五条",
         "责令改正或者限制生产，处二万元以上二十万元以下的罚款", 200000),
        ("冷却塔、水泵等公共设施噪声扰民", f"{ZSF}第七十条", f"{ZSF}第八十七条",
         "责令改正，处二千元以上二万元以下的罚款", 20000),
    ],
    "river_garbage": [
        ("在河道管理范围内弃置、堆放阻碍行洪的物体", f"{HDT}第二十四条", f"{HDT}第四十四条",
         RIVER_FINE, 50000),
        ("向河道倾倒垃圾、渣土", f"{HDT}第三十四条", f"{HDT}第四十四条", RIVER_FINE, 50000),
        ("在河道滩地堆放、存贮固体废弃物", f"{SWF}第三十八条", f"{SWF}第八十五条",
         "责令停止违法行为，限期采取治理措施，处二万元以上二十万元以下的罚款", 200000),
        ("在河道管理范围内擅自设置临时设施", f"{HDT}第二十五条", f"{HDT}第四十四条",
         RIVER_FINE, 50000),
        ("在河道内清洗装贮过油类或者有毒污染物的车辆、容器", f"{HDT}第三十五条",
         f"{HDT}第四十四条", RIVER_FINE, 50000),
        ("在河道管理范围内擅自取土、挖砂", f"{HDT}第二十五条", f"{HDT}第四十四条",
         RIVER_FINE, 50000),
        ("损毁河道堤防、护岸等水工程设施", f"{HDT}第二十四条", f"{HDT}第四十四条",
         RIVER_FINE, 50000),
        ("在河岸种植阻碍行洪的林木及高秆作物", f"{HDT}第二十四条", f"{HDT}第四十四条",
         RIVER_FINE, 50000),
        ("在河道管理范围内从事影响河势稳定的活动", f"{FHF}第二十二条", f"{FHF}第五十六条",
         "责令停止违法行为，排除阻碍或者采取其他补救措施，可以处五万元以下的罚款", 50000),
        ("在河长公示牌保护范围内损毁、涂改公示牌", f"{HZT}第二十八条", f"{HZT}第四十条",
         "责令改正，处二百元以下罚款", 200),
    ],
    "water_quality": [
        ("向水体排放油类、酸液、碱液或者剧毒废液", f"{SWF}第三十三条", f"{SWF}第八十五条",
         "责令停止违法行为，限期采取治理措施，处二万元以上二十万元以下的罚款", 200000),
        ("超过水污染物排放标准排放水污染物", f"{SWF}第十条", f"{SWF}第八十三条",
         "责令改正或者责令限制生产、停产整治，并处十万元以上一百万元以下的罚款", 1000000),
        ("私设暗管排放水污染物", f"{SWF}第三十九条", f"{SWF}第八十三条",
         "责令改正或者责令限制生产、停产整治，并处十万元以上一百万元以下的罚款", 1000000),
        ("未经许可在河道设置排污口", f"{SWF}第二十二条", f"{SWF}第八十四条",
         "责令限期拆除，处二万元以上十万元以下的罚款", 100000),
        ("向水体排放、倾倒工业废渣、城镇垃圾", f"{SWF}第三十七条", f"{SWF}第八十五条",
         "责令停止违法行为，限期采取治理措施，处二万元以上二十万元以下的罚款", 200000),
        ("在水体清洗装贮过油类或者有毒污染物的车辆和容器", f"{SWF}第三十三条",
         f"{SWF}第八十五条", "责令停止违法行为，处一万元以上十万元以下的罚款", 100000),
        ("畜禽养殖场未按规定处理粪便污水", f"{SWF}第五十六条", f"{SWF}第八十八条",
         "责令停止违法行为，限期治理，处二万元以上二十万元以下的罚款", 200000),
        ("餐饮经营者未按规定排放油污废水", f"{SWF}第三十七条", f"{SWF}第八十五条",
         "责令停止违法行为，处一万元以上十万元以下的罚款", 100000),
        ("汽修企业含油废水直排", f"{SWF}第三十九条", f"{SWF}第八十三条",
         "责令改正或者责令限制生产、停产整治，并处十万元以上一百万元以下的罚款", 1000000),
        ("洗车场未经处理排放洗车废水", f"{SWF}第三十七条", f"{SWF}第八十五条",
         "责令停止违法行为，处一万元以上十万元以下的罚款", 100000),
        ("雨污混接、错接排水管网", f"{SWF}第四十九条", f"{SWF}第八十三条",
         "责令改正，处十万元以上一百万元以下的罚款", 1000000),
        ("未按规定设置水污染物排放口标志", f"{SWF}第二十二条", f"{SWF}第八十四条",
         "责令限期改正，处二万元以上十万元以下的罚款", 100000),
    ],
    "other": [
        ("擅自在城市公共场所设置宣传牌、标语横幅", f"{CQS}第二十八条", f"{CQS}第六十八条",
         "责令限期拆除，处二百元以上二千元以下罚款", 2000),
        ("在树木、地面、电杆、建筑物上涂写、刻画", f"{SRT}第十七条", f"{SRT}第三十四条",
         "责令纠正违法行为、采取补救措施，可以并处警告、罚款", 200),
        ("擅自饲养犬只未办理登记", f"{ZAF}第七十五条", f"{ZAF}第七十五条",
         "处警告；警告后不改正的，处二百元以上五百元以下罚款", 500),
        ("违规燃放烟花爆竹", f"{CQS}第三十条", f"{CQS}第六十九条",
         "责令停止燃放，处一百元以上五百元以下罚款", 500),
        ("在公共场所违规焚烧冥纸等祭祀物品", f"{CQS}第三十条", f"{CQS}第六十九条",
         "责令改正，处五十元以上二百元以下罚款", 200),
        ("擅自占用、损毁公共绿地", f"{LHT}第二十条", f"{LHT}第二十七条",
         "责令停止侵害，可以并处罚款", 1000),
        ("擅自设置门头招牌", f"{GGT}第二十条", f"{GGT}第四十六条",
         "责令限期改正，处五百元以上五千元以下罚款", 5000),
        ("沿街建筑物外立面破损未及时修复", f"{CQS}第十八条", f"{CQS}第六十三条",
         "责令限期改正，处二百元以上二千元以下罚款", 2000),
        ("临街阳台外吊挂、晾晒物品影响市容", f"{CQS}第十九条", f"{CQS}第六十三条",
         "责令改正，处二十元以上二百元以下罚款", 200),
        ("擅自在公共场所搭建灵棚", f"{CQS}第三十一条", f"{CQS}第六十九条",
         "责令限期拆除，处二百元以上一千元以下罚款", 1000),
    ],
}

# Lead duty of business items without an enforcement matter: what the plan's unit must do.
DISPOSAL = {
    "area_intrusion": ("对进入危险区域、禁入区域人员的劝离与先期处置", f"{TFF}第二十九条"),
    "crowd_gathering": ("对公共场所人员聚集的疏导与先期处置", f"{DXH}第二十一条"),
    "loitering": ("对重点区域可疑徘徊人员的关注与劝离", f"{ZAF}第二十三条"),
    "person_in_water": ("对人员涉水、落水险情的先期救助与警示", f"{HZT}第十九条"),
    "abandoned_object": ("对公共场所遗留可疑物品的核查与处置", f"{ZAF}第三十条"),
    "water_level": ("对河道水位超警戒的巡查预警与群众转移", f"{FHF}第三十八条"),
    "rainfall": ("对强降雨过程的预警响应与隐患点巡查", f"{TFF}第四十四条"),
    "device_offline": ("对智能感知设备离线的报修与恢复跟踪", f"{SZT}第十六条"),
}

# Departments the district coordinates with (协调联动): name, category they serve.
DEPARTMENTS = {
    "道路交通": ["公安九龙坡区分局交通巡逻警察支队", "九龙坡区交通运输委员会"],
    "市容环境": ["九龙坡区城市管理局", "九龙坡区市容环境卫生事务中心"],
    "规划建设": ["九龙坡区规划和自然资源局", "九龙坡区住房和城乡建设委员会"],
    "生态环境": ["九龙坡区生态环境局", "九龙坡区生态环境保护综合行政执法支队"],
    "河道水务": ["九龙坡区水利局", "九龙坡区河长制办公室"],
    "消防安全": ["九龙坡区消防救援支队", "九龙坡区应急管理局"],
    "应急管理": ["九龙坡区应急管理局", "九龙坡区气象局"],
    "市场监管": ["九龙坡区市场监督管理局中梁山市场监管所", "九龙坡区商务委员会"],
    "社会治理": ["公安九龙坡区分局中梁山派出所", "九龙坡区政法委"],
    "基础设施": ["九龙坡区城市管理局市政设施管理处", "九龙坡区大数据应用发展管理局"],
}

# Grid leaders' own duties cover the kinds of problem a grid leader sees on foot.
GRID_ITEMS = ["garbage_dumping", "illegal_construction", "road_damage", "noise", "river_garbage",
              "other", "street_vending", "non_motor_disorder"]
SCENE_ITEMS = {
    "scenic": ["crowd_gathering", "loitering", "abandoned_object", "street_vending",
               "illegal_parking", "area_intrusion", "person_in_water", "garbage_dumping", "noise",
               "fire_lane_occupation", "non_motor_disorder", "other", "lane_occupation",
               "device_offline"],
    "river": ["water_level", "water_quality", "person_in_water", "river_garbage",
              "garbage_dumping", "rainfall", "area_intrusion", "loitering",
              "illegal_construction", "noise", "other", "device_offline", "abandoned_object",
              "crowd_gathering"],
}

# --------------------------------------------------------------------------- enterprises

# trade, name patterns, squads whose checks apply (first leads), grade weights A/B/C/D, count
TRADES = [
    ("餐饮服务", ["{s}火锅店", "{s}小面馆", "{s}餐饮管理有限公司", "{s}酒楼"],
     ["sq-market", "sq-fire", "sq-environment"], (20, 50, 22, 8), 70),
    ("农贸市场及商超", ["{s}农贸市场", "{s}超市", "{s}生鲜便利店"],
     ["sq-market", "sq-fire", "sq-appearance"], (25, 50, 20, 5), 24),
    ("加工制造", ["{s}机械加工厂", "{s}建材有限公司", "{s}五金制品有限公司"],
     ["sq-environment", "sq-fire"], (15, 45, 28, 12), 30),
    ("建筑施工", ["{s}建设工程项目部", "{s}建筑劳务有限公司"],
     ["sq-construction", "sq-environment"], (15, 40, 30, 15), 20),
    ("物流仓储", ["{s}物流有限公司", "{s}仓储服务部"], ["sq-fire"], (20, 50, 22, 8), 22),
    ("机动车维修", ["{s}汽车维修服务部", "{s}汽车美容店"], ["sq-environment", "sq-fire"],
     (18, 47, 25, 10), 20),
    ("加油站及危化品", ["{s}加油站", "{s}燃气经营部"], ["sq-fire", "sq-emergency"],
     (30, 45, 18, 7), 8),
    ("住宿服务", ["{s}宾馆", "{s}酒店管理有限公司"], ["sq-fire", "sq-market"],
     (20, 50, 22, 8), 16),
    ("景区商户", ["{s}旅游商品店", "{s}茶楼"], ["sq-scenic", "sq-market"], (20, 50, 22, 8), 14),
    ("沿街商铺", ["{s}百货店", "{s}烟酒店", "{s}服装店"], ["sq-appearance"],
     (25, 55, 15, 5), 26),
    ("废品回收", ["{s}再生资源回收站"], ["sq-environment", "sq-appearance"], (10, 40, 35, 15), 10),
]
SHOP_WORDS = ["华岩", "中梁", "华福", "龙泉", "协兴", "跳磴", "新发", "田坝", "石桥", "建设",
              "梁山", "华龙", "鑫源", "顺达", "兴旺", "德福", "宏发", "永昌", "金桥", "渝西",
              "巴山", "山城", "惠民", "福满", "嘉和", "锦程", "恒通", "鸿运", "佳乐", "康盛"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
GIVEN = ["建国", "秀英", "志强", "春梅", "德明", "晓燕", "国平", "丽华", "文杰", "海波", "永刚",
         "光明", "德华", "红梅", "小龙", "玉兰", "建军", "桂英", "俊杰", "淑珍", "明辉", "雪梅",
         "家豪", "思远", "婷婷", "浩然", "子涵", "欣怡", "宇航", "梦瑶"]
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
JIULONGPO = "500107"  # 行政区划代码: 重庆市九龙坡区

# fmt: on


# =========================================================================== helpers


def load(directory: Path, name: str) -> Any:
    return yaml.safe_load((directory / name).read_text(encoding="utf-8"))


def top_plans(plans: dict) -> dict[str, dict]:
    """event type -> its top-level dispatch plan (name, receiver, accept deadline)."""
    out = {}
    for r in plans["route"].get("routes", []):
        for m in r.get("matchers", []):
            hit = re.fullmatch(r'event_type="([a-z_]+)"', m)
            if hit:
                out[hit.group(1)] = r
    return out


def minutes(text: str) -> int:
    m = re.fullmatch(r"(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?", text)
    assert m, text
    d, h, mi = (int(g or 0) for g in m.groups())
    return d * 1440 + h * 60 + mi


def uscc(rng: random.Random, kind_digit: str) -> str:
    body = "9" + kind_digit + JIULONGPO + "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(body, USCC_WEIGHTS, strict=True))
    return body + USCC_ALPHABET[(31 - total % 31) % 31]


class Codes:
    def __init__(self) -> None:
        self.next: dict[str, int] = {}

    def duty(self, category: str) -> str:
        abbr = CATEGORIES[category][0]
        self.next[abbr] = self.next.get(abbr, 0) + 1
        return f"ZLS-{abbr}-{self.next[abbr]:04d}"


# =========================================================================== catalogue


def business_items(algorithms: dict) -> list[dict]:
    names = {a["id"]: a["name"] for a in algorithms["algorithms"]} | HUMAN_NAMES
    assert set(names) >= {a["id"] for a in algorithms["algorithms"]}
    return [
        {"id": t, "name": names[t], "source": src, "category": cat}
        for t, (cat, src) in BUSINESS.items()
    ]


def enforcement_matters(limit_per_item: int | None) -> tuple[list[dict], dict[str, list[str]]]:
    matters, by_item = [], {}
    for event_type, rows in MATTERS.items():
        category = BUSINESS[event_type][0]
        for act, violated, basis, penalty, fine in rows[:limit_per_item]:
            code = f"ZF-{len(matters) + 1:04d}"
            matters.append(
                {
                    "code": code,
                    "name": f"对{act}行为的行政处罚",
                    "category": category,
                    "violated": violated,
                    "penalty_basis": basis,
                    "penalty": penalty,
                    "procedure": "simple" if 0 < fine <= 200 else "general",
                    "fine_max_yuan": fine,
                }
            )
            by_item.setdefault(event_type, []).append(code)
    return matters, by_item


def unit_of(receiver: str, squads: dict[str, str], brigade: str) -> dict[str, Any]:
    kind, _, ref = receiver.partition(":")
    if kind == "squad" and ref in squads:
        return {"unit_type": "squad", "unit": squads[ref], "squad": ref}
    if kind == "grid_force":
        return {"unit_type": "grid_force", "unit": "各村（社区）网格力量"}
    return {"unit_type": "brigade", "unit": brigade}


def duty(
    codes: Codes,
    category: str,
    name: str,
    duty_type: str,
    role: str,
    unit: dict[str, Any],
    basis: str,
    items: list[str],
    deadline: dict[str, int],
    matter: str | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "code": codes.duty(category),
        "name": name,
        "category": category,
        "duty_type": duty_type,
        "role": role,
        **unit,
        "legal_basis": basis,
        "business_items": items,
    }
    if matter:
        out["enforcement_matter"] = matter
    out["deadline"] = Flow(deadline)
    return out


def duty_items(
    org: dict,
    plans: dict,
    business: list[dict],
    matters: list[dict],
    by_item: dict[str, list[str]],
    *,
    per_grid: bool,
    target: int | None,
) -> list[dict]:
    squads = {s["id"]: s["name"] for s in org["squads"]}
    brigade = org["brigade"]["name"]
    plan_of = top_plans(plans)
    matter = {m["code"]: m for m in matters}
    names = {b["id"]: b["name"] for b in business}
    codes = Codes()
    out: list[dict] = []

    def respond(event_type: str) -> int:
        route = plan_of.get(event_type)
        if route and route.get("deadlines", {}).get("accept"):
            return minutes(route["deadlines"]["accept"])
        return 30

    for b in business:
        t, cat = b["id"], b["category"]
        route = plan_of.get(t, {})
        enforcer = CATEGORIES[cat][1]
        enforce_unit = unit_of(f"squad:{enforcer}", squads, brigade)
        rectify = CATEGORIES[cat][2]
        # Enforcement: for each matter, investigate (立案查处) and order rectification (责令改正).
        for code in by_item.get(t, []):
            m = matter[code]
            act = m["name"].removeprefix("对").removesuffix("行为的行政处罚")
            basis = joined_basis(m["violated"], m["penalty_basis"])
            out.append(
                duty(
                    codes,
                    cat,
                    f"对{act}行为的立案查处",
                    "立案查处",
                    "lead",
                    enforce_unit,
                    basis,
                    [t],
                    {"respond_minutes": respond(t), "handle_days": 15},
                    code,
                )
            )
            out.append(
                duty(
                    codes,
                    cat,
                    f"责令{act}的当事人限期改正",
                    "责令改正",
                    "lead",
                    enforce_unit,
                    basis,
                    [t],
                    {
                        "respond_minutes": respond(t),
                        "handle_days": rectify + 2,
                        "rectify_days": rectify,
                    },
                    code,
                )
            )
        # The plan's unit acts first on every event of the type.
        if t in DISPOSAL:
            text, basis = DISPOSAL[t]
            out.append(
                duty(
                    codes,
                    cat,
                    text,
                    "先期处置",
                    "lead",
                    unit_of(route.get("receiver", "brigade"), squads, brigade),
                    basis,
                    [t],
                    {"respond_minutes": respond(t), "handle_days": 1},
                )
            )
        out.append(
            duty(
                codes,
                cat,
                f"{names[t]}事件的信息汇总与报送",
                "信息报送",
                "support",
                {"unit_type": "brigade", "unit": brigade},
                "《重庆市基层治理网格化服务管理办法》第二十条",
                [t],
                {"respond_minutes": 60, "handle_days": 1},
            )
        )
        for c in org["communities"]:
            force = {"unit_type": "grid_force", "unit": c["grid_force"]}
            out.append(
                duty(
                    codes,
                    cat,
                    f"{c['name']}辖区{names[t]}问题的巡查发现与上报",
                    "巡查发现",
                    "support",
                    force,
                    "《重庆市基层治理网格化服务管理办法》第十五条",
                    [t],
                    {"respond_minutes": respond(t), "handle_days": 1},
                )
            )
            if t in by_item:
                out.append(
                    duty(
                        codes,
                        cat,
                        f"{c['name']}辖区{names[t]}行为的劝导制止",
                        "劝导制止",
                        "support",
                        force,
                        by_item_basis(matter, by_item[t]),
                        [t],
                        {"respond_minutes": respond(t), "handle_days": 1},
                    )
                )
    if per_grid:
        grid_names = {g["id"]: g["name"] for g in org["grids"]}
        for g in org["grids"]:
            for t in GRID_ITEMS:
                cat = BUSINESS[t][0]
                out.append(
                    duty(
                        codes,
                        cat,
                        f"{grid_names[g['id']]}网格长{names[t]}问题的日常巡查与上报",
                        "巡查发现",
                        "support",
                        {"unit_type": "grid_force", "unit": f"{grid_names[g['id']]}网格长"},
                        "《重庆市基层治理网格化服务管理办法》第十六条",
                        [t],
                        {"respond_minutes": respond(t), "handle_days": 1},
                    )
                )
        scenes = {s["id"]: s["name"] for s in org["scenes"]}
        for scene, items in SCENE_ITEMS.items():
            unit = unit_of(
                "squad:sq-scenic" if scene == "scenic" else "squad:sq-river", squads, brigade
            )
            for t in items:
                cat = BUSINESS[t][0]
                out.append(
                    duty(
                        codes,
                        cat,
                        f"{scenes[scene]}内{names[t]}问题的专项巡查",
                        "巡查发现",
                        "support",
                        unit,
                        "《重庆市基层治理网格化服务管理办法》第十七条",
                        [t],
                        {"respond_minutes": respond(t), "handle_days": 1},
                    )
                )
    # Coordination with the district's departments: one per business item, more to the target.
    pairs = [(b, DEPARTMENTS[b["category"]][i]) for i in range(2) for b in business]
    extra = len(business) if target is None else target - len(out)
    assert 0 <= extra <= len(pairs), (extra, len(pairs))
    for b, dept in pairs[:extra]:
        t, cat = b["id"], b["category"]
        out.append(
            duty(
                codes,
                cat,
                f"会同{dept}处置{names[t]}问题的协调联动",
                "协调联动",
                "support",
                {"unit_type": "department", "unit": dept},
                "《重庆市街道办事处条例》第十一条",
                [t],
                {"respond_minutes": respond(t), "handle_days": 5},
            )
        )
    return out


def joined_basis(first: str, second: str) -> str:
    """《法》第五条、《法》第九条 -> 《法》第五条、第九条"""
    law = first[: first.index("》") + 1]
    return f"{first}、{second.removeprefix(law) if second.startswith(law) else second}"


def by_item_basis(matter: dict[str, dict], codes: list[str]) -> str:
    return matter[codes[0]]["violated"]


# =========================================================================== enterprises


def nearest_road(grid: dict) -> str:
    """The road of the sample map (configs/generate.py) that passes closest to the grid."""
    from generate import ROADS  # the sibling generator's map: one source for road geometry

    xs, ys = zip(*grid["area"], strict=True)
    cx, cy = sum(xs) / len(xs), sum(ys) / len(ys)

    def distance(line: list[tuple[float, float]]) -> float:
        best = math.inf
        for (x1, y1), (x2, y2) in itertools.pairwise(line):
            dx, dy = x2 - x1, y2 - y1
            t = max(0.0, min(1.0, ((cx - x1) * dx + (cy - y1) * dy) / (dx * dx + dy * dy)))
            best = min(best, math.hypot(x1 + t * dx - cx, y1 + t * dy - cy))
        return best

    return min(ROADS, key=lambda road: distance(ROADS[road]))


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def enterprises(org: dict, n_scale: float, seed: int) -> list[dict]:
    rng = random.Random(seed)
    squads = {s["id"] for s in org["squads"]}
    grids = org["grids"]
    communities = {c["id"]: c["name"] for c in org["communities"]}
    scenic_grids = [g for g in grids if g["community"] == "c01"] or grids
    urban = {c["id"] for c in org["communities"] if c["kind"] == "urban"}
    weights = [3 if g["community"] in urban else 1 for g in grids]
    out: list[dict] = []
    names: set[str] = set()
    for trade, patterns, checks, grade_weights, count in TRADES:
        checks = [c for c in checks if c in squads] or [sorted(squads)[0]]
        for _ in range(max(1, round(count * n_scale))):
            while True:
                name = rng.choice(patterns).format(
                    s=rng.choice(SHOP_WORDS) + rng.choice(["", "记", "源", "兴", "佳"])
                )
                name = ("重庆市九龙坡区" if "有限公司" in name else "九龙坡区") + name
                if name not in names:
                    names.add(name)
                    break
            grid = (
                rng.choice(scenic_grids) if trade == "景区商户" else rng.choices(grids, weights)[0]
            )
            out.append(
                {
                    "id": "",
                    "name": name,
                    "credit_code": uscc(rng, "1" if "有限公司" in name else "2"),
                    "kind": trade,
                    "address": f"重庆市九龙坡区{org['district']}{nearest_road(grid)}"
                    f"{rng.randint(1, 399)}号（{communities[grid['community']]}）",
                    "grid": grid["id"],
                    "credit_grade": rng.choices("ABCD", grade_weights)[0],
                    "checks": checks,
                    "legal_representative": person(rng),
                    "phone": f"1{rng.choice('3589')}{rng.randint(0, 999999999):09d}",
                }
            )
    rng.shuffle(out)
    for i, e in enumerate(out, 1):
        e["id"] = f"ent-{i:04d}"
    return out


def officers(org: dict, seed: int) -> list[dict]:
    rng = random.Random(seed)
    out = []
    for i, s in enumerate(org["squads"], 1):
        people = [s["leader"]] + [person(rng) for _ in range(3)]
        for j, name in enumerate(people, 1):
            out.append(
                {
                    "id": f"{s['id'].removeprefix('sq-')}-{j}",
                    "name": name,
                    "squad": s["id"],
                    "certificate": f"{JIULONGPO}{i:02d}{j:03d}",
                }
            )
    return out


def enforcement_settings(org: dict, seed: int) -> dict:
    district = org["district"]
    short = district.removesuffix("街道")
    return {
        "documents": {
            "issuer": f"重庆市九龙坡区{district}办事处",
            "timezone": "Asia/Shanghai",
            "numbering": {
                "pattern": "{prefix}{abbr}〔{year}〕第{seq:04d}号",
                "prefix": f"{short}综执",
                "abbr": {
                    "inspection_record": "检",
                    "rectify_notice": "责改",
                    "penalty_decision": "简罚",
                },
            },
            "review_body": "重庆市九龙坡区人民政府",
            "court": "重庆市九龙坡区人民法院",
        },
        "inspections": {
            "grades": {
                "A": Flow({"share": 0.05, "visits": 1}),
                "B": Flow({"share": 0.1, "visits": 1}),
                "C": Flow({"share": 0.3, "visits": 1}),
                "D": Flow({"share": 1.0, "visits": 2}),
            },
            "officers_per_visit": 2,
        },
        "officers": [Flow(o) for o in officers(org, seed)],
    }


# =========================================================================== output


class Flow(dict):
    """A mapping written on one line."""


class Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_list(dumper: Dumper, data: list) -> yaml.Node:
    flow = bool(data) and all(isinstance(v, str | int | float) for v in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


def _represent_flow(dumper: Dumper, data: Flow) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=True)


Dumper.add_representer(list, _represent_list)
Dumper.add_representer(Flow, _represent_flow)


def write_yaml(path: Path, what: str, data: Any) -> None:
    header = (
        f"# {what}\n"
        "# Generated by configs/generate_catalogue.py - do not edit by hand: change the\n"
        "# generator and re-run `python configs/generate_catalogue.py`.\n"
    )
    body = yaml.dump(data, Dumper=Dumper, allow_unicode=True, sort_keys=False, width=120)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(header + body, encoding="utf-8")


def generate(directory: Path, *, full: bool, seed: int) -> dict[str, int]:
    org = load(directory, "organisation.yaml")
    plans = load(directory, "plans.yaml")
    algorithms = load(directory, "algorithms.yaml")
    business = business_items(algorithms)
    matters, by_item = enforcement_matters(None if full else 1)
    duties = duty_items(
        org,
        plans,
        business,
        matters,
        by_item,
        per_grid=full,
        target=DUTY_ITEMS_TARGET if full else None,
    )
    ents = enterprises(org, 1.0 if full else 0.06, seed)
    if full:
        assert len(matters) == MATTERS_TARGET, len(matters)
        assert len(duties) == DUTY_ITEMS_TARGET, len(duties)
    assert len({d["code"] for d in duties}) == len(duties)
    assert len({d["name"] for d in duties}) == len(duties)
    assert len({m["name"] for m in matters}) == len(matters)
    linked = {t for d in duties for t in d["business_items"]}
    assert linked == {b["id"] for b in business}, {b["id"] for b in business} - linked
    assert {d.get("enforcement_matter") for d in duties} - {None} == {m["code"] for m in matters}
    resp = directory / "responsibility"
    write_yaml(
        resp / "business_items.yaml",
        "Business items (业务事项): the event types the system produces or receives.",
        {"business_items": [Flow(b) for b in business]},
    )
    write_yaml(
        resp / "enforcement_matters.yaml",
        "Enforcement matters (执法事项): sanctionable "
        "acts with the provision violated and the penalty basis.",
        {"enforcement_matters": matters},
    )
    write_yaml(
        resp / "duty_items.yaml",
        "Duty items (履职事项): legal duties of units, linked to "
        "business items and enforcement matters.",
        {"duty_items": duties},
    )
    write_yaml(
        directory / "enterprises.yaml",
        "Supervised enterprises with credit grade "
        "(信用等级) and the squads whose checks apply (first = lead).",
        {"enterprises": ents},
    )
    write_yaml(
        directory / "enforcement.yaml",
        "Enforcement settings: document numbering, "
        "credit-graded inspection policy, enforcement officers.",
        enforcement_settings(org, seed),
    )
    return {
        "business_items": len(business),
        "duty_items": len(duties),
        "enforcement_matters": len(matters),
        "enterprises": len(ents),
    }


def main() -> None:
    for name, full, seed in (("zhongliangshan", True, 2026), ("minimal", False, 7)):
        counts = generate(HERE / name, full=full, seed=seed)
        print(f"wrote {HERE / name}: {counts}")


if __name__ == "__main__":
    main()
