/** The documented production endpoint (AWS AppSync behind Totogi's domain). */
export const TOTOGI_GRAPHQL_ENDPOINT = 'https://gql.produseast1.api.totogi.com/graphql';

/** The largest `first` the API accepts on any connection ("a maximum of 25"). */
export const TOTOGI_MAX_PAGE_SIZE = 25;

/** The regional Cognito user-pool endpoint InitiateAuth is posted to. */
export function cognitoEndpointFor(region: string): string {
  return `https://cognito-idp.${region}.amazonaws.com/`;
}
