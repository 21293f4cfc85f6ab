{{/* The release's name, cut to Kubernetes's 63 characters. */}}
{{- define "gongzhi.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "gongzhi.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "gongzhi.labels" -}}
{{ include "gongzhi.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "gongzhi.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{/* The environment every gongzhi container gets: plain settings, then secret references. */}}
{{- define "gongzhi.env" -}}
{{- range $name, $value := .Values.settings }}
- name: GONGZHI_{{ $name }}
  value: {{ $value | quote }}
{{- end }}
- name: GONGZHI_SHUTDOWN_GRACE_SECONDS
  value: {{ .Values.shutdownGraceSeconds | quote }}
- name: GONGZHI_METRICS_PORT
  value: {{ .Values.service.metricsPort | quote }}
- name: GONGZHI_DATABASE_STATEMENT_CACHE
  value: {{ (not .Values.pgbouncer) | quote }}
- name: PROMETHEUS_MULTIPROC_DIR
  value: /tmp/gongzhi-metrics
- name: GONGZHI_UPLOAD_DIR
  value: /var/lib/gongzhi/uploads
- name: GONGZHI_SECRET_KEY
  valueFrom:
    secretKeyRef:
      name: {{ .Values.secrets.name }}
      key: {{ .Values.secrets.secretKey }}
- name: GONGZHI_AUDIT_SIGNING_KEY
  valueFrom:
    secretKeyRef:
      name: {{ .Values.secrets.name }}
      key: {{ .Values.secrets.auditSigningKey }}
- name: GONGZHI_DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ .Values.secrets.name }}
      key: {{ .Values.secrets.databaseUrl }}
- name: GONGZHI_REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ .Values.secrets.name }}
      key: {{ .Values.secrets.redisUrl }}
{{- if .Values.readReplica.enabled }}
- name: GONGZHI_READ_DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ .Values.secrets.name }}
      key: {{ .Values.secrets.readDatabaseUrl }}
- name: GONGZHI_READ_YOUR_WRITES_SECONDS
  value: {{ .Values.readReplica.readYourWritesSeconds | quote }}
- name: GONGZHI_READ_MAX_LAG_SECONDS
  value: {{ .Values.readReplica.maxLagSeconds | quote }}
{{- end }}
{{- end -}}
