/**
 * Validates a Kubernetes object against the API's own OpenAPI schemas, through the models of the
 * `kubernetes-models` package (its schemas come from Kubernetes 1.27). Only the kinds deploy/ uses
 * are mapped; any other kind is an error rather than a pass.
 */
import {Deployment, StatefulSet} from 'kubernetes-models/apps/v1';
import {Ingress, NetworkPolicy} from 'kubernetes-models/networking.k8s.io/v1';
import {ConfigMap, Namespace, PersistentVolumeClaim, Secret, Service} from 'kubernetes-models/v1';
import type {K8sObject} from './kustomize';

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: never) => Validatable;

const MODELS: Record<string, ModelClass> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'networking.k8s.io/v1/Ingress': Ingress,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
};

/** The schema errors of one object (empty when it is valid). */
export function schemaErrors(obj: K8sObject): string[] {
  const where = `${obj.kind}/${obj.metadata?.name ?? '?'}`;
  const Model = MODELS[`${obj.apiVersion}/${obj.kind}`];
  if (!Model) return [`${where}: no schema for ${obj.apiVersion} ${obj.kind} (add it to MODELS if it is meant)`];
  try {
    new Model(structuredClone(obj) as never).validate();
    return [];
  } catch (err) {
    return [`${where}: ${(err as Error).message}`];
  }
}
