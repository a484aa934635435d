"""Demo data of program 2: raw enterprise records that the official rule sets turn into the pools.

Nothing here types a count. The loader generates (seeded, deterministic) the figures enterprises
declared, uploads them as campaign files, evaluates them with the rule sets and confirms the
results, exactly as an officer would; the article's figures then come out of the evaluations:

- 张家界市 (4308): 184 科技型中小企业 in 2021 and 304 in 2022 (+65.2%), 96 and 123 高新技术企业
  (+28.1%; 高企 certificates last three years, so 2022 counts 2021's 96 and the 27 certified in 2022);
- 娄星区 (431302): 20 高企, 10 专精特新"小巨人", 13 创新型中小企业 in 2022.

Each enterprise follows a *story* over the two years (:data:`ZHANGJIAJIE_STORIES`): a comfortable
pass, a pass exactly at a band edge, a low score rescued by a direct-confirmation flag, or a
failure for a real reason (size, compliance, industry, a score below 60, no tech-staff points).
``tests/innovation/test_demo.py`` checks every count by evaluating the stored files again.

Private companies and persons have invented names; public bodies keep their real names
(张家界市科学技术局, the 乾坤莓茶工程技术研究中心 of the article). 统一社会信用代码 are generated
with valid check digits (python-stdnum). Dates of events the article does not date are illustrative.
"""

from __future__ import annotations

from countyworks.innovation.demo.loading import load_demo, run_campaign

__all__ = ["load_demo", "run_campaign"]
