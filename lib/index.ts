export * from './cluster/hardened-eks-cluster';
export * from './cluster/endpoint-access';
export { HardenedEksChecks } from './nag/hardened-eks-checks';
