"""Demo data of program 4: 娄星经济开发区 (431302) built from raw records.

The brief (``countyworks brief parks --region 431302 --period 2023``) counts these rows into the
article's figures (湖南日报 2023-07-27): 12 projects signed for 207.5亿元 (2/2/8 by band); 358.97亩 of
三类用地 disposed at 74.22%, 100% and 58.14%; 1.5万㎡ of idle factories with 5 enterprises; 26 and 28
above-scale enterprises on the two chains; 五好园区 rank 47, up 36. ``tests/parks/test_brief.py`` checks
every figure.
"""

from countyworks.parks.demo.loading import load_demo

__all__ = ["load_demo"]
