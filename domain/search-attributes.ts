/**
 * The custom search attributes operators filter by in the Temporal Web UI. One list for every
 * place that starts Temporal (the dev server of `make start` and the tests, the compose stack's
 * admin-tools) and for the workflows that set them. They hold no personal data.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const TRACKING_NUMBER = defineSearchAttributeKey('TrackingNumber', SearchAttributeType.KEYWORD);
export const REGISTRATION_STATUS = defineSearchAttributeKey('RegistrationStatus', SearchAttributeType.KEYWORD);
export const REGISTRATION_ROLE = defineSearchAttributeKey('RegistrationRole', SearchAttributeType.KEYWORD);
export const ORGANIZATION_ID = defineSearchAttributeKey('OrganizationId', SearchAttributeType.KEYWORD);
/** `REGISTRATION` or `APPLICATION_ROLE`. */
export const REQUEST_KIND = defineSearchAttributeKey('RequestKind', SearchAttributeType.KEYWORD);

export const CUSTOM_SEARCH_ATTRIBUTES = [TRACKING_NUMBER, REGISTRATION_STATUS, REGISTRATION_ROLE, ORGANIZATION_ID, REQUEST_KIND] as const;

const CLI_TYPE: Record<SearchAttributeType, string> = {
  TEXT: 'Text',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

/** `Name=Type`, as `temporal server start-dev --search-attribute` and `temporal operator search-attribute create` take them. */
export function searchAttributeSpecs(): string[] {
  return CUSTOM_SEARCH_ATTRIBUTES.map((key) => `${key.name}=${CLI_TYPE[key.type]}`);
}
