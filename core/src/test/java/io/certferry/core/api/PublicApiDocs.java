package io.certferry.core.api;

import com.sun.source.doctree.DocCommentTree;
import com.sun.source.doctree.DocTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.util.DocTrees;
import com.sun.source.util.TreePath;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import jdk.javadoc.doclet.Doclet;
import jdk.javadoc.doclet.DocletEnvironment;
import jdk.javadoc.doclet.Reporter;

/**
 * A doclet that lists what core's public API lacks: a public type or method without a doc comment, or
 * without {@code @since}. Methods that override (their doc is inherited), members the compiler makes
 * (record accessors, enum {@code values}), and the {@code internal} package are not API and are skipped.
 * Run by {@link PublicApiJavadocTest} through the JDK's documentation tool.
 */
public final class PublicApiDocs implements Doclet {
  /** What the last run found, one line each ({@code package.Type#method: what is missing}). */
  static final List<String> PROBLEMS = new ArrayList<>();
  static final String INTERNAL = "io.certferry.core.internal";

  private DocTrees trees;
  private Elements elements;

  @Override
  public void init(Locale locale, Reporter reporter) { }

  @Override
  public String getName() { return "public-api-docs"; }

  @Override
  public Set<? extends Option> getSupportedOptions() { return Set.of(); }

  @Override
  public SourceVersion getSupportedSourceVersion() { return SourceVersion.latest(); }

  @Override
  public boolean run(DocletEnvironment env) {
    trees = env.getDocTrees();
    elements = env.getElementUtils();
    PROBLEMS.clear();
    for (TypeElement type : ElementFilter.typesIn(env.getIncludedElements())) {
      PackageElement pkg = elements.getPackageOf(type);
      if (!pkg.getQualifiedName().toString().startsWith(INTERNAL) && isApi(type)) {
        check(type);
      }
    }
    return true;
  }

  private void check(TypeElement type) {
    String name = type.getQualifiedName().toString();
    DocCommentTree doc = trees.getDocCommentTree(type);
    if (doc == null) {
      PROBLEMS.add(where(type) + name + ": no doc comment");
    } else if (!hasSince(doc)) {
      PROBLEMS.add(where(type) + name + ": no @since");
    }
    for (ExecutableElement m : ElementFilter.methodsIn(type.getEnclosedElements())) {
      if (!isApi(m) || overrides(m) || generated(m)) {
        continue;
      }
      DocCommentTree md = trees.getDocCommentTree(m);
      if (md == null) {
        PROBLEMS.add(where(m) + name + "#" + m.getSimpleName() + ": no doc comment");
      } else if (!hasSince(md)) {
        PROBLEMS.add(where(m) + name + "#" + m.getSimpleName() + ": no @since");
      }
    }
  }

  /** {@code file:line: } of a declaration, so a failure points at what to document. */
  private String where(Element e) {
    TreePath path = trees.getPath(e);
    CompilationUnitTree unit = path.getCompilationUnit();
    long start = trees.getSourcePositions().getStartPosition(unit, path.getLeaf());
    Path file = Path.of(unit.getSourceFile().toUri());
    Path here = Path.of("").toAbsolutePath();
    return (file.startsWith(here) ? here.relativize(file) : file) + ":" + unit.getLineMap().getLineNumber(start) + ": ";
  }

  private static boolean isApi(Element e) {
    Set<Modifier> mods = e.getModifiers();
    boolean visible = mods.contains(Modifier.PUBLIC) || mods.contains(Modifier.PROTECTED);
    Element outer = e.getEnclosingElement();
    return visible && (outer == null || outer.getKind() == ElementKind.PACKAGE || isApi(outer));
  }

  private boolean overrides(ExecutableElement m) {
    return m.getAnnotationMirrors().stream()
        .anyMatch(a -> a.getAnnotationType().toString().equals(Override.class.getName()));
  }

  /**
   * A method the compiler made, with no source of its own: a record's accessors (documented by the record's
   * {@code @param}), equals, hashCode and toString; an enum's values and valueOf.
   */
  private boolean generated(ExecutableElement m) {
    return elements.getOrigin(m) != Elements.Origin.EXPLICIT || trees.getPath(m) == null
        || trees.getPath(m).getLeaf() == trees.getPath(m.getEnclosingElement()).getLeaf();
  }

  private static boolean hasSince(DocCommentTree doc) {
    return doc.getBlockTags().stream().anyMatch(t -> t.getKind() == DocTree.Kind.SINCE);
  }
}
