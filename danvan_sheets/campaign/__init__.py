"""A campaign: one year's registration read from one source.

`key.py` says which campaign a run belongs to (the history keeps campaigns apart);
`new_year.py` writes next year's configuration from this year's; `carry.py` takes
the models marked “duy trì” into next year's forms.
"""

from danvan_sheets.campaign.key import CampaignKey, campaign_key, campaign_of, source_key

__all__ = ["CampaignKey", "campaign_key", "campaign_of", "source_key"]
