// Who may assume each role, as lib/aws/credentials.ts assumes them: the product's principal assumes
// the management read role with the tenant's ExternalId; that role's session assumes the member
// role in each account, with no ExternalId (role chaining inside the customer's organization).

export function managementTrustPolicy(principalArn: string, externalId: string) {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { AWS: principalArn },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "sts:ExternalId": externalId } },
      },
    ],
  };
}

export function memberTrustPolicy(managementRoleArn: string) {
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { AWS: managementRoleArn }, Action: "sts:AssumeRole" }],
  };
}
